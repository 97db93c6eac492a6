import Foundation

/// The Python methods templates call on strings, dicts and lists (`name.split(',')`, `d.items()`).
enum Methods {
    static let stringMethods: Set<String> = [
        "split", "rsplit", "splitlines", "strip", "lstrip", "rstrip", "startswith", "endswith", "replace", "lower",
        "upper", "title", "capitalize", "format", "join", "find", "rfind", "index", "count", "isdigit", "isalpha",
        "isalnum", "isspace", "islower", "isupper", "zfill", "ljust", "rjust", "center", "partition", "rpartition",
        "swapcase", "casefold", "isnumeric", "isdecimal", "removeprefix", "removesuffix", "encode", "decode",
    ]
    static let dictMethods: Set<String> = [
        "items", "keys", "values", "get", "copy", "update", "pop", "setdefault",
    ]
    static let listMethods: Set<String> = [
        "index", "count", "append", "extend", "insert", "pop", "remove", "reverse", "sort", "copy", "clear",
    ]

    /// A method value used without calling it right away (`{% set f = s.upper %}`).
    static func bound(_ receiver: Value, _ name: String) -> Value {
        .object(
            FunctionObject(name: name) { args, ctx in
                guard let r = try call(receiver, name, args, renderer: ctx.renderer, receiverExpr: nil) else {
                    throw TemplateError.type("'\(receiver.typeName)' object has no attribute '\(name)'")
                }
                return r
            })
    }

    /// Calls `receiver.name(args)`; nil when the receiver has no such method (the caller then looks for an
    /// attribute). Mutating list/dict methods write the new value back to the variable they were called on.
    static func call(
        _ receiver: Value, _ name: String, _ args: Arguments, renderer: Renderer, receiverExpr: Expr?
    ) throws -> Value? {
        switch receiver {
        case .string(let s):
            guard stringMethods.contains(name) else { return nil }
            return try stringMethod(s, name, args)
        case .dict(var d):
            if d[name] != nil { return nil }  // a key named like the method: attribute lookup wins later
            guard dictMethods.contains(name) else { return nil }
            switch name {
            case "items": return .list(d.pairs.map { .tuple([$0.0, $0.1]) })
            case "keys": return .list(d.keys)
            case "values": return .list(d.values)
            case "get":
                guard let k = args.positional.first else {
                    throw TemplateError.type("get expected at least 1 argument")
                }
                return d[k] ?? (args.positional.count > 1 ? args.positional[1] : .none)
            case "copy": return receiver
            case "update":
                if let other = args.positional.first {
                    guard let od = other.dictValue else {
                        throw TemplateError.type("dict.update() needs a dict, not '\(other.typeName)'")
                    }
                    for (k, v) in od.pairs { d[k] = v }
                }
                for (k, v) in args.named { d[k] = v }
                try writeBack(.dict(d), receiverExpr, renderer)
                return Value.none
            case "pop":
                guard let k = args.positional.first else {
                    throw TemplateError.type("pop expected at least 1 argument")
                }
                if let v = d[k] {
                    d[k] = nil
                    try writeBack(.dict(d), receiverExpr, renderer)
                    return v
                }
                if args.positional.count > 1 { return args.positional[1] }
                throw TemplateError.runtime("KeyError: \(try k.pythonRepr())")
            case "setdefault":
                guard let k = args.positional.first else { throw TemplateError.type("setdefault expected 1 argument") }
                if let v = d[k] { return v }
                let v = args.positional.count > 1 ? args.positional[1] : .none
                d[k] = v
                try writeBack(.dict(d), receiverExpr, renderer)
                return v
            default: return nil
            }
        case .list(var l):
            guard listMethods.contains(name) else { return nil }
            let first = args.positional.first
            switch name {
            case "index":
                guard let x = first, let i = l.firstIndex(of: x) else {
                    throw TemplateError.runtime("ValueError: \((try? first?.pythonRepr()) ?? "None") is not in list")
                }
                return .int(i)
            case "count": return .int(l.filter { $0 == first }.count)
            case "copy": return receiver
            case "append":
                l.append(first ?? .none)
            case "extend":
                l.append(contentsOf: try (first ?? .list([])).iterate())
            case "insert":
                guard args.positional.count == 2, let i = args.positional[0].intValue else {
                    throw TemplateError.type("insert expected 2 arguments")
                }
                let idx = i < 0 ? max(0, l.count + i) : min(i, l.count)
                l.insert(args.positional[1], at: idx)
            case "pop":
                guard !l.isEmpty else { throw TemplateError.runtime("IndexError: pop from empty list") }
                var i = first?.intValue ?? (l.count - 1)
                if i < 0 { i += l.count }
                guard i >= 0 && i < l.count else { throw TemplateError.runtime("IndexError: pop index out of range") }
                let v = l.remove(at: i)
                try writeBack(.list(l), receiverExpr, renderer)
                return v
            case "remove":
                guard let x = first, let i = l.firstIndex(of: x) else {
                    throw TemplateError.runtime("ValueError: list.remove(x): x not in list")
                }
                l.remove(at: i)
            case "reverse": l.reverse()
            case "clear": l.removeAll()
            case "sort":
                l = try Sorting.sorted(
                    l, reverse: try args.bool(99, "reverse", default: false), caseSensitive: true,
                    key: nil)
            default: return nil
            }
            try writeBack(.list(l), receiverExpr, renderer)
            return Value.none
        default:
            return nil
        }
    }

    static func writeBack(_ value: Value, _ expr: Expr?, _ renderer: Renderer) throws {
        switch expr {
        case .name(let n, _)?:
            if let (frame, i) = renderer.frame.owner(of: n) {
                frame.values[i] = value
            } else {
                renderer.frame.set(n, value)
            }
        case .attribute(.name(let n, _), let attr)?:
            if case .object(let o) = renderer.lookup(n), let ns = o as? NamespaceObject {
                ns.set(attr, value)
            } else if let (frame, i) = renderer.frame.owner(of: n), case .dict(var d) = frame.values[i] {
                d[attr] = value
                frame.values[i] = .dict(d)
            }
        default:
            break  // a temporary: the mutation is not visible anywhere, as in Python
        }
    }

    static func stringMethod(_ s: String, _ name: String, _ args: Arguments) throws -> Value {
        let a0 = args.positional.first
        func str(_ v: Value?) throws -> String? {
            guard let v, !v.isNone else { return nil }
            guard case .string(let x) = v else {
                if case .undefined(let u) = v { throw TemplateError.undefined(u) }
                throw TemplateError.type("\(name)() argument must be str, not \(v.typeName)")
            }
            return x
        }
        switch name {
        case "split", "rsplit":
            let maxsplit = try args.int(1, "maxsplit", default: -1)
            let sep = try str(args.get(0, "sep"))
            let parts =
                name == "split"
                ? PyString.split(s, sep: sep, maxsplit: maxsplit)
                : PyString.rsplit(s, sep: sep, maxsplit: maxsplit)
            return .list(parts.map { .string($0) })
        case "splitlines":
            return .list(
                PyString.splitlines(s, keepends: try args.bool(0, "keepends", default: false)).map { .string($0) })
        case "strip": return .string(PyString.strip(s, chars: try str(a0), left: true, right: true))
        case "lstrip": return .string(PyString.strip(s, chars: try str(a0), left: true, right: false))
        case "rstrip": return .string(PyString.strip(s, chars: try str(a0), left: false, right: true))
        case "startswith", "endswith":
            let candidates: [String]
            if let l = a0?.listValue {
                candidates = try l.map { try str($0) ?? "" }
            } else {
                candidates = [try str(a0) ?? ""]
            }
            return .bool(
                candidates.contains {
                    name == "startswith" ? s.hasPrefix($0) || $0.isEmpty : s.hasSuffix($0) || $0.isEmpty
                })
        case "replace":
            guard let old = try str(a0), let new = try str(args.positional.count > 1 ? args.positional[1] : nil) else {
                throw TemplateError.type("replace() takes at least 2 arguments")
            }
            let count = args.positional.count > 2 ? (args.positional[2].intValue ?? -1) : -1
            return .string(PyString.replace(s, old, new, count: count))
        case "lower", "casefold": return .string(s.lowercased())
        case "upper": return .string(s.uppercased())
        case "swapcase":
            return .string(String(s.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) }))
        case "title": return .string(PyString.title(s))
        case "capitalize": return .string(PyString.capitalize(s))
        case "format": return .string(try PythonFormat.format(s, args))
        case "join":
            let items = try (a0 ?? .list([])).iterate()
            return .string(
                try items.map { v -> String in
                    guard case .string(let x) = v else {
                        throw TemplateError.type("sequence item: expected str instance, \(v.typeName) found")
                    }
                    return x
                }.joined(separator: s))
        case "find", "rfind", "index":
            let sub = try str(a0) ?? ""
            let r = name == "rfind" ? s.range(of: sub, options: .backwards) : s.range(of: sub)
            guard let r else {
                if name == "index" { throw TemplateError.runtime("ValueError: substring not found") }
                return .int(-1)
            }
            return .int(s.unicodeScalars.distance(from: s.startIndex, to: r.lowerBound))
        case "count":
            let sub = try str(a0) ?? ""
            if sub.isEmpty { return .int(s.unicodeScalars.count + 1) }
            return .int(s.components(separatedBy: sub).count - 1)
        case "isdigit", "isnumeric", "isdecimal":
            return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { CharacterSet.decimalDigits.contains($0) })
        case "isalpha": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { CharacterSet.letters.contains($0) })
        case "isalnum":
            return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) })
        case "isspace": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { PyString.isSpace($0) })
        case "islower": return .bool(s.contains { $0.isLetter } && s.lowercased() == s)
        case "isupper": return .bool(s.contains { $0.isLetter } && s.uppercased() == s)
        case "zfill":
            let width = try args.int(0, "width", default: 0)
            let n = s.unicodeScalars.count
            guard width > n else { return .string(s) }
            var body = s
            var sign = ""
            if let f = s.first, f == "-" || f == "+" {
                sign = String(f)
                body = String(s.dropFirst())
            }
            return .string(sign + String(repeating: "0", count: width - n) + body)
        case "ljust", "rjust", "center":
            let width = try args.int(0, "width", default: 0)
            let fill = try str(args.positional.count > 1 ? args.positional[1] : nil) ?? " "
            let n = s.unicodeScalars.count
            guard width > n else { return .string(s) }
            let pad = width - n
            switch name {
            case "ljust": return .string(s + String(repeating: fill, count: pad))
            case "rjust": return .string(String(repeating: fill, count: pad) + s)
            default:
                let left = pad / 2 + (pad & width & 1)
                return .string(String(repeating: fill, count: left) + s + String(repeating: fill, count: pad - left))
            }
        case "partition", "rpartition":
            let sep = try str(a0) ?? ""
            let r = name == "partition" ? s.range(of: sep) : s.range(of: sep, options: .backwards)
            guard let r else {
                return name == "partition" ? .tuple([.string(s), "", ""]) : .tuple(["", "", .string(s)])
            }
            return .tuple([.string(String(s[..<r.lowerBound])), .string(sep), .string(String(s[r.upperBound...]))])
        case "removeprefix":
            let p = try str(a0) ?? ""
            return .string(s.hasPrefix(p) ? String(s.dropFirst(p.count)) : s)
        case "removesuffix":
            let p = try str(a0) ?? ""
            return .string(s.hasSuffix(p) && !p.isEmpty ? String(s.dropLast(p.count)) : s)
        case "encode", "decode": return .string(s)
        default: throw TemplateError.type("'str' object has no attribute '\(name)'")
        }
    }
}
