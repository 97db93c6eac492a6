/// Ansible's list filters built on itertools (`product`, `permutations`, `combinations`) and on
/// nested data (`subelements`, `rekey_on_member`). Results are lists of tuples, as Python gives them.
extension AnsibleFilters {
    static let collections: [String: Filter] = {
        var f: [String: Filter] = [:]
        f["subelements"] = { v, a, _ in
            let elements: [Value]
            switch v {
            case .dict(let d): elements = d.pairs.map(\.1)
            case .list(let l): elements = l
            default: throw TemplateError.type("subelements: obj must be a list of dicts or a nested dict")
            }
            let keys: [Value]
            switch a.get(0, "subelements") {
            case .string(let s)?:
                keys = s.split(separator: ".", omittingEmptySubsequences: false).map { .string(String($0)) }
            case .list(let l)?: keys = l
            default: throw TemplateError.type("subelements: subelements must be a list or a string")
            }
            let skipMissing = try a.bool(1, "skip_missing", default: false)
            var out: [Value] = []
            for element in elements {
                var values = element
                for key in keys {
                    guard let d = values.dictValue else {
                        throw TemplateError.type(
                            "subelements: the key \(try key.pythonString()) should point to a dictionary, "
                                + "got '\(try values.pythonString())'")
                    }
                    guard let next = d[key] else {
                        if skipMissing {
                            values = .list([])
                            break
                        }
                        throw TemplateError.runtime(
                            "subelements: could not find '\(try key.pythonString())' key in iterated item "
                                + (try values.pythonString()))
                    }
                    values = next
                }
                guard case .list(let items) = values else {
                    throw TemplateError.type(
                        "subelements: the key '\(try keys.map { try $0.pythonString() }.joined(separator: "."))' "
                            + "should point to a list, got \(try values.pythonString())")
                }
                for item in items { out.append(.tuple([element, item])) }
            }
            return .list(out)
        }
        f["product"] = { v, a, _ in
            let repeatCount = try a.int(99, "repeat", default: 1)
            let pools = try ([v] + a.positional).map { try $0.iterate() }
            var result: [[Value]] = [[]]
            for pool in Array(repeating: pools, count: max(0, repeatCount)).flatMap({ $0 }) {
                result = result.flatMap { prefix in pool.map { prefix + [$0] } }
            }
            try limit(result.count, "product")
            return .list(result.map { .tuple($0) })
        }
        f["permutations"] = { v, a, _ in
            let pool = try v.iterate()
            let r = a.get(0, "r").flatMap { $0.isNone ? nil : $0.intValue } ?? pool.count
            guard r >= 0 else { throw TemplateError.runtime("permutations: r must be non-negative") }
            var out: [Value] = []
            func build(_ chosen: [Int]) throws {
                if chosen.count == r {
                    out.append(.tuple(chosen.map { pool[$0] }))
                    try limit(out.count, "permutations")
                    return
                }
                for i in pool.indices where !chosen.contains(i) { try build(chosen + [i]) }
            }
            if r <= pool.count { try build([]) }
            return .list(out)
        }
        f["combinations"] = { v, a, _ in
            let pool = try v.iterate()
            guard let r = a.get(0, "r")?.intValue else {
                throw TemplateError.type("combinations() missing required argument 'r' (pos 2)")
            }
            guard r >= 0 else { throw TemplateError.runtime("combinations: r must be non-negative") }
            var out: [Value] = []
            func build(_ start: Int, _ chosen: [Value]) throws {
                if chosen.count == r {
                    out.append(.tuple(chosen))
                    try limit(out.count, "combinations")
                    return
                }
                guard start < pool.count else { return }
                for i in start..<pool.count { try build(i + 1, chosen + [pool[i]]) }
            }
            try build(0, [])
            return .list(out)
        }
        // Ansible's `random`: an integer end picks from range(start, end, step), a sequence picks an item;
        // with `seed` the pick is Python's `Random(seed)`'s, so it is the same on every run and in Ansible.
        f["random"] = { v, a, _ in
            let seed = a.get(2, "seed").flatMap { $0.isNone ? nil : $0 }
            if case .int(let end) = v {
                let start = try a.int(0, "start", default: 0)
                let step = try a.int(1, "step", default: 1)
                if var r = try seed.map({ try PythonRandom(seed: $0) }) {
                    return .int(try r.randrange(start, end, step == 0 ? 1 : step))
                }
                let values = Array(stride(from: start, to: end, by: step == 0 ? 1 : step))
                guard let pick = values.randomElement() else { throw TemplateError.runtime("random: empty range") }
                return .int(pick)
            }
            if a.get(0, "start").map({ (try? $0.truthy()) ?? false }) == true
                || a.get(1, "step").map({ (try? $0.truthy()) ?? false }) == true
            {
                throw TemplateError.runtime("random: start and step can only be used with integer values")
            }
            let items: [Value]
            switch v {
            case .list(let l), .tuple(let l): items = l
            case .string(let s): items = s.map { .string(String($0)) }
            case .dict(let d): items = d.pairs.map(\.0)
            default: throw TemplateError.type("random can only be used on sequences and integers")
            }
            guard !items.isEmpty else { throw TemplateError.runtime("random: cannot choose from an empty sequence") }
            if var r = try seed.map({ try PythonRandom(seed: $0) }) { return items[r.below(items.count)] }
            return items.randomElement()!
        }
        f["shuffle"] = { v, a, _ in
            var items = try v.iterate()
            if let seed = a.get(0, "seed"), !seed.isNone {
                var r = try PythonRandom(seed: seed)
                r.shuffle(&items)
            } else {
                items.shuffle()
            }
            return .list(items)
        }
        f["rekey_on_member"] = { v, a, _ in
            let duplicates = try a.string(1, "duplicates", default: "error")!
            guard duplicates == "error" || duplicates == "overwrite" else {
                throw TemplateError.runtime(
                    "rekey_on_member: duplicates must be 'error' or 'overwrite', got '\(duplicates)'")
            }
            guard let key = a.get(0, "key") else { throw TemplateError.type("rekey_on_member needs a key") }
            let items: [Value]
            switch v {
            case .dict(let d): items = d.pairs.map(\.1)
            case .list(let l), .tuple(let l): items = l
            default: throw TemplateError.type("rekey_on_member: type is not a valid list, set, or dict")
            }
            var out = ValueDict()
            for item in items {
                guard let d = item.dictValue else {
                    throw TemplateError.type("rekey_on_member: list item is not a valid dict")
                }
                guard let k = d[key] else {
                    throw TemplateError.runtime("rekey_on_member: key '\(try key.pythonString())' was not found")
                }
                if let existing = out[k], try existing.truthy() {
                    if duplicates == "error" {
                        throw TemplateError.runtime(
                            "rekey_on_member: key '\(try k.pythonString())' is not unique, cannot convert to dict")
                    }
                }
                out[k] = item
            }
            return .dict(out)
        }
        return f
    }()

    /// Combinatorial filters grow fast; a template asking for millions of tuples is a mistake.
    private static func limit(_ count: Int, _ name: String) throws {
        if count > 1_000_000 { throw TemplateError.runtime("\(name): more than 1000000 results") }
    }
}
