import Foundation
import Jinja

/// The lookups that only shape their terms (`items`, `list`, `dict`, `indexed_items`, `nested`,
/// `together`, `subelements`) and those that read variables or the environment (`vars`, `env`).
/// They are what the `with_<name>` loops run.
extension Lookups {
    static let lists: [String: Plugin] = {
        var p: [String: Plugin] = [:]
        p["items"] = { terms, _, _ in flattenOnce(terms) }
        p["list"] = { terms, _, _ in terms }
        p["dict"] = { terms, _, _ in
            try terms.flatMap { term -> [Value] in
                guard let d = term.dictValue else {
                    throw TemplateError(.type, "with_dict expects a dict, got \(term.typeName)")
                }
                return d.pairs.map { .dict(["key": $0.0, "value": $0.1]) }
            }
        }
        p["indexed_items"] = { terms, _, _ in
            flattenOnce(terms).enumerated().map { .tuple([.int($0.offset), $0.element]) }
        }
        p["nested"] = { terms, _, _ in
            guard !terms.isEmpty else { throw TemplateError(.runtime, "with_nested requires at least one list") }
            var result: [[Value]] = [[]]
            for term in terms {
                guard let items = term.listValue else {
                    throw TemplateError(.type, "with_nested takes lists, got \(term.typeName)")
                }
                result = result.flatMap { prefix in items.map { prefix + ($0.listValue ?? [$0]) } }
            }
            return result.map { .list($0) }
        }
        p["together"] = { terms, _, _ in
            guard !terms.isEmpty else { throw TemplateError(.runtime, "with_together requires at least one list") }
            let lists = try terms.map { term -> [Value] in
                guard let l = term.listValue else {
                    throw TemplateError(.type, "with_together takes lists, got \(term.typeName)")
                }
                return l
            }
            let n = lists.map(\.count).max() ?? 0
            return (0..<n).map { i in .list(flattenOnce(lists.map { i < $0.count ? $0[i] : .none })) }
        }
        p["subelements"] = { terms, _, _ in try subelements(terms) }
        p["sequence"] = { terms, _, ctx in
            try strings(terms, "sequence").flatMap { try sequence($0, ctx) }
        }
        p["vars"] = { terms, o, ctx in
            try strings(terms, "vars").map { name in
                let v = try ctx.variable(name)
                if !v.isUndefined { return v }
                if let d = o.get("default") { return d }
                throw TemplateError(.runtime, "no variable named '\(name)' was found")
            }
        }
        p["env"] = { terms, o, _ in
            let fallback = o.get("default") ?? ""
            let environment = ProcessInfo.processInfo.environment
            return try strings(terms, "env").map { environment[$0].map { .string($0) } ?? fallback }
        }
        return p
    }()

    /// Ansible's `subelements` lookup: (element, item) for each item of the list at the dotted key.
    /// As Ansible, the element comes without that list (the lookup pops it).
    static func subelements(_ terms: [Value]) throws -> [Value] {
        let usage = "subelements takes a list (or dict), a key, and optionally {skip_missing: true}"
        guard terms.count == 2 || terms.count == 3, case .string(let path) = terms[1] else {
            throw TemplateError(.runtime, usage)
        }
        let keys = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let elements: [Value]
        switch terms[0] {
        case .list(let l): elements = l
        case .dict(let d):
            if let s = d["skipped"], try s.truthy() { return [] }
            elements = d.pairs.map(\.1)
        default: throw TemplateError(.type, usage)
        }
        var skipMissing = false
        if terms.count == 3 {
            guard let flags = terms[2].dictValue else { throw TemplateError(.type, usage) }
            skipMissing = try flags["skip_missing"].map { try $0.truthy() } ?? false
        }
        func pop(_ d: ValueDict, _ keys: ArraySlice<String>) throws -> (ValueDict, [Value])? {
            let key = keys.first!
            guard let v = d[key] else {
                if skipMissing { return nil }
                throw TemplateError(
                    .runtime, "could not find '\(key)' key in iterated item \(try Value.dict(d).pythonString())")
            }
            var rest = ValueDict()
            for (k, x) in d.pairs where k != .string(key) { rest[k] = x }
            if keys.count == 1 {
                guard case .list(let items) = v else {
                    throw TemplateError(.type, "the key \(key) should point to a list, got '\(try v.pythonString())'")
                }
                return (rest, items)
            }
            guard let inner = v.dictValue else {
                if skipMissing { return nil }
                throw TemplateError(.type, "the key \(key) should point to a dictionary, got '\(try v.pythonString())'")
            }
            guard let (popped, items) = try pop(inner, keys.dropFirst()) else { return nil }
            var out = d
            out[key] = .dict(popped)
            return (out, items)
        }
        var out: [Value] = []
        for element in elements {
            guard let d = element.dictValue else {
                throw TemplateError(.type, "subelements expects dictionaries, got '\(try element.pythonString())'")
            }
            if let s = d["skipped"], try s.truthy() { continue }
            guard let (rest, items) = try pop(d, keys[...]) else { continue }
            for item in items { out.append(.tuple([.dict(rest), item])) }
        }
        return out
    }

    /// `with_sequence`: `start=1 end=10 stride=2 format=web%02d`, `count=`, or `[start-]end[/stride][:format]`.
    static func sequence(_ term: String, _ ctx: CallContext) throws -> [Value] {
        func number(_ s: Substring) throws -> Int {
            let t = s.lowercased()
            let n =
                t.hasPrefix("0x")
                ? Int(t.dropFirst(2), radix: 16)
                : t.hasPrefix("0o")
                    ? Int(t.dropFirst(2), radix: 8)
                    : (t.count > 1 && t.hasPrefix("0")) ? Int(t.dropFirst(), radix: 8) : Int(t)
            guard let n else { throw TemplateError(.runtime, "can't parse \(s) as a number in with_sequence") }
            return n
        }
        var start = 1
        var stride = 1
        var format = "%d"
        var end: Int?
        var count: Int?
        let num = "([0-9]+|0x[0-9a-fA-F]+)"
        let shortcut = try Regex("^(?:\(num)-)?\(num)(?:/\(num))?(?::(.+))?$")
        if let m = term.wholeMatch(of: shortcut) {
            let groups = m.output.map { $0.substring }
            if let s = groups[1] { start = try number(s) }
            end = try number(groups[2]!)
            if let s = groups[3] { stride = try number(s) }
            if let f = groups[4] { format = String(f) }
        } else {
            for pair in term.split(separator: " ", omittingEmptySubsequences: true) {
                guard let eq = pair.firstIndex(of: "=") else {
                    throw TemplateError(
                        .runtime, "can't parse arg \(pair) in with_sequence (use key=value or start-end/stride:format)")
                }
                let key = pair[..<eq]
                let value = pair[pair.index(after: eq)...]
                switch key {
                case "start": start = try number(value)
                case "end": end = try number(value)
                case "count": count = try number(value)
                case "stride": stride = try number(value)
                case "format": format = String(value)
                default:
                    var m = "unrecognized argument to with_sequence: \(key)"
                    let keys = ["start", "end", "count", "stride", "format"]
                    if let s = Suggestion.closest(to: String(key), in: keys) { m += " (did you mean \(s)?)" }
                    throw TemplateError(.runtime, m)
                }
            }
        }
        switch (count, end) {
        case (nil, nil): throw TemplateError(.runtime, "must specify count or end in with_sequence")
        case (_?, _?): throw TemplateError(.runtime, "can't specify both count and end in with_sequence")
        case (let c?, nil):
            if c == 0 { return [] }
            end = start + c * stride - 1
        default: break
        }
        let last = end!
        if stride > 0 && last < start { throw TemplateError(.runtime, "to count backwards make stride negative") }
        if stride < 0 && last > start { throw TemplateError(.runtime, "to count forward don't make stride negative") }
        if stride == 0 { return [] }
        guard format.filter({ $0 == "%" }).count == 1 else {
            throw TemplateError(.runtime, "bad formatting string: \(format)")
        }
        let numbers = Array(Swift.stride(from: start, through: last, by: stride))
        guard numbers.count <= 100_000 else { throw TemplateError(.runtime, "with_sequence: more than 100000 items") }
        return try numbers.map { try ctx.filter("format", .string(format), Arguments([.int($0)])) }
    }

    static func flattenOnce(_ terms: [Value]) -> [Value] {
        terms.flatMap { term -> [Value] in
            if case .list(let l) = term { return l }
            return [term]
        }
    }
}
