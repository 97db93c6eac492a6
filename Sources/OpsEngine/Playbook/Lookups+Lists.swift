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
                throw TemplateError(.runtime, "could not find '\(key)' key in iterated item \(try Value.dict(d).pythonString())")
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

    static func flattenOnce(_ terms: [Value]) -> [Value] {
        terms.flatMap { term -> [Value] in
            if case .list(let l) = term { return l }
            return [term]
        }
    }
}
