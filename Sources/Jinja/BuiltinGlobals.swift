/// Names every template sees: `range`, `dict`, `namespace`, `joiner`, `cycler` (not `lipsum`), and Ansible's `now`.
enum BuiltinGlobals {
    static let all: ValueDict = {
        var g = ValueDict()
        g["range"] = .object(
            FunctionObject(name: "range") { a, _ in
                let ints = try a.positional.map { v -> Int in
                    guard let i = v.intValue else {
                        if case .undefined(let u) = v { throw TemplateError.undefined(u) }
                        throw TemplateError.type("'\(v.typeName)' object cannot be interpreted as an integer")
                    }
                    return i
                }
                let (start, stop, step): (Int, Int, Int)
                switch ints.count {
                case 1: (start, stop, step) = (0, ints[0], 1)
                case 2: (start, stop, step) = (ints[0], ints[1], 1)
                case 3: (start, stop, step) = (ints[0], ints[1], ints[2])
                default: throw TemplateError.type("range expected 1 to 3 arguments, got \(ints.count)")
                }
                guard step != 0 else { throw TemplateError.runtime("range() arg 3 must not be zero") }
                let r = Array(stride(from: start, to: stop, by: step))
                guard r.count <= 100_000 else {
                    throw TemplateError.runtime("range too big (\(r.count) items; the maximum is 100000)")
                }
                return .list(r.map { .int($0) })
            })
        g["dict"] = .object(
            FunctionObject(name: "dict") { a, _ in
                var d = ValueDict()
                if let first = a.positional.first {
                    if let src = first.dictValue {
                        d = src
                    } else {
                        for pair in try first.iterate() {
                            guard let kv = pair.listValue, kv.count == 2 else {
                                throw TemplateError.type("dictionary update sequence element has the wrong length")
                            }
                            d[kv[0]] = kv[1]
                        }
                    }
                }
                for (k, v) in a.named { d[k] = v }
                return .dict(d)
            })
        g["namespace"] = .object(
            FunctionObject(name: "namespace") { a, _ in
                var d = ValueDict()
                if let first = a.positional.first?.dictValue { d = first }
                for (k, v) in a.named { d[k] = v }
                return .object(NamespaceObject(d))
            })
        g["joiner"] = .object(
            FunctionObject(name: "joiner") { a, _ in
                let sep = try a.string(0, "sep", default: ", ")!
                final class State: @unchecked Sendable { var used = false }
                let state = State()
                return .object(
                    FunctionObject(name: "joiner") { _, _ in
                        defer { state.used = true }
                        return .string(state.used ? sep : "")
                    })
            })
        g["cycler"] = .object(
            FunctionObject(name: "cycler") { a, _ in
                guard !a.positional.isEmpty else { throw TemplateError.type("cycler() needs at least one item") }
                return .object(CyclerObject(a.positional))
            })
        g["now"] = AnsibleFilters.now
        return g
    }()
}
