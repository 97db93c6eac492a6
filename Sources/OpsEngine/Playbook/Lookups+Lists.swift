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
        p["subelements"] = { terms, _, ctx in
            guard terms.count == 2 || terms.count == 3 else {
                throw TemplateError(.runtime, "subelements takes a list, a key, and optionally {skip_missing: true}")
            }
            var named: [(String, Value)] = []
            if terms.count == 3 {
                guard let flags = terms[2].dictValue else {
                    throw TemplateError(.type, "subelements: the third term must be a mapping like {skip_missing: true}")
                }
                if let s = flags["skip_missing"] { named.append(("skip_missing", s)) }
            }
            return try ctx.filter("subelements", terms[0], Arguments([terms[1]], named: named)).listValue ?? []
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

    static func flattenOnce(_ terms: [Value]) -> [Value] {
        terms.flatMap { term -> [Value] in
            if case .list(let l) = term { return l }
            return [term]
        }
    }
}
