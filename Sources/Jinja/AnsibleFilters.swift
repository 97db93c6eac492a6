import Crypto
import Foundation
import Yams

/// Ansible's filters (ansible.builtin), with Ansible's documented semantics.
enum AnsibleFilters {
    static let all: [String: Filter] = {
        var f: [String: Filter] = [:]
        f["mandatory"] = { v, a, _ in
            if case .undefined(let u) = v {
                let msg = try a.string(0, "msg") ?? "Mandatory variable '\(u.name)' not defined."
                var e = TemplateError(.undefined, msg)
                e.variable = u.name
                throw e
            }
            return v
        }
        f["bool"] = { v, _, _ in .bool(try ansibleBool(v, convertBool: true)) }
        f["ternary"] = { v, a, _ in
            let t = a.get(0, "true_val") ?? .none
            let fv = a.get(1, "false_val") ?? .none
            if v.isNone, let n = a.get(2, "none_val"), !n.isNone { return n }
            return try v.truthy() ? t : fv
        }
        f["to_json"] = { v, a, _ in
            var o = JSON.DumpOptions(
                indent: a.get("indent")?.intValue, sortKeys: try a.bool(99, "sort_keys", default: false),
                ensureASCII: try a.bool(99, "ensure_ascii", default: true))
            if o.indent == nil { o.itemSeparator = ", " }
            return .string(try JSON.dump(v, o))
        }
        f["to_nice_json"] = { v, a, _ in
            let o = JSON.DumpOptions(
                indent: try a.int(0, "indent", default: 4),
                sortKeys: try a.bool(1, "sort_keys", default: true),
                ensureASCII: try a.bool(99, "ensure_ascii", default: true))
            return .string(try JSON.dump(v, o))
        }
        f["from_json"] = { v, _, _ in try JSON.parse(try v.pythonString()) }
        f["to_yaml"] = { v, a, _ in
            let flow: Bool? = a.get("default_flow_style").flatMap { $0.isNone ? nil : (try? $0.truthy()) }
            return .string(
                try YAMLDumper.dump(
                    v, indent: try a.int(99, "indent", default: 2), defaultFlowStyle: flow,
                    sortKeys: try a.bool(99, "sort_keys", default: true)))
        }
        f["to_nice_yaml"] = { v, a, _ in
            let flow: Bool? = a.get("default_flow_style").flatMap { $0.isNone ? nil : (try? $0.truthy()) } ?? false
            return .string(
                try YAMLDumper.dump(
                    v, indent: try a.int(0, "indent", default: 4), defaultFlowStyle: flow,
                    sortKeys: try a.bool(99, "sort_keys", default: true)))
        }
        f["from_yaml"] = { v, _, _ in
            guard case .string(let s) = v else { return v }
            do { return try Value(yaml: s) } catch { throw TemplateError.runtime("from_yaml: invalid YAML: \(error)") }
        }
        f["from_yaml_all"] = { v, _, _ in
            do {
                return .list(try Yams.compose_all(yaml: try v.pythonString()).map { Value(yaml: $0) })
            } catch {
                throw TemplateError.runtime("from_yaml_all: invalid YAML: \(error)")
            }
        }
        f["b64encode"] = { v, _, _ in .string(Data(try v.pythonString().utf8).base64EncodedString()) }
        f["b64decode"] = { v, _, _ in
            var s = try v.pythonString().filter { !$0.isWhitespace }
            while s.count % 4 != 0 { s += "=" }
            guard let d = Data(base64Encoded: s) else { throw TemplateError.runtime("b64decode: invalid base64 input") }
            return .string(String(decoding: d, as: UTF8.self))
        }
        f["hash"] = { v, a, _ in
            .string(try digest(try v.pythonString(), try a.string(0, "hashtype", default: "sha1")!))
        }
        f["checksum"] = { v, _, _ in .string(try digest(try v.pythonString(), "sha1")) }
        f["sha1"] = f["checksum"]
        f["md5"] = { v, _, _ in .string(try digest(try v.pythonString(), "md5")) }
        f["basename"] = { v, _, _ in
            let p = try v.pythonString()
            guard let i = p.lastIndex(of: "/") else { return .string(p) }
            return .string(String(p[p.index(after: i)...]))
        }
        f["dirname"] = { v, _, _ in .string(dirname(try v.pythonString())) }
        f["splitext"] = { v, _, _ in
            let p = try v.pythonString()
            let base = p.lastIndex(of: "/").map { p.index(after: $0) } ?? p.startIndex
            let name = p[base...]
            if let dot = name.lastIndex(of: "."), name[name.startIndex..<dot].contains(where: { $0 != "." }) {
                return .tuple([.string(String(p[..<dot])), .string(String(p[dot...]))])
            }
            return .tuple([.string(p), ""])
        }
        f["quote"] = { v, _, _ in .string(shellQuote(v.isNone ? "" : try v.pythonString())) }
        f["regex_replace"] = { v, a, _ in
            .string(
                try PythonRegex.replace(
                    try v.pythonString(), pattern: try a.string(0, "pattern", default: "")!,
                    replacement: try a.string(1, "replacement", default: "")!,
                    ignoreCase: try a.bool(2, "ignorecase", default: false),
                    multiline: try a.bool(3, "multiline", default: false),
                    count: try a.int(4, "count", default: 0)))
        }
        f["regex_search"] = { v, a, _ in try regexSearch(v, a) }
        f["regex_findall"] = { v, a, _ in
            let s = try v.pythonString()
            let regex = try PythonRegex.compile(
                try a.string(0, "regex", default: "")!,
                ignoreCase: try a.bool(99, "ignorecase", default: false),
                multiline: try a.bool(99, "multiline", default: false))
            let ns = s as NSString
            return .list(
                regex.matches(in: s, range: NSRange(location: 0, length: ns.length)).map { m in
                    func g(_ i: Int) -> Value {
                        let r = m.range(at: i)
                        return .string(r.location == NSNotFound ? "" : ns.substring(with: r))
                    }
                    switch regex.numberOfCaptureGroups {
                    case 0: return g(0)
                    case 1: return g(1)
                    default: return .tuple((1...regex.numberOfCaptureGroups).map(g))
                    }
                })
        }
        f["regex_escape"] = { v, _, _ in
            var out = ""
            for c in try v.pythonString().unicodeScalars {
                if "()[]{}?*+-|^$\\.&~# \t\n\r\u{0B}\u{0C}".unicodeScalars.contains(c) { out += "\\" }
                out.unicodeScalars.append(c)
            }
            return .string(out)
        }
        f["split"] = { v, a, _ in
            .list(
                PyString.split(
                    try v.pythonString(), sep: try a.string(0, "separator"),
                    maxsplit: try a.int(1, "maxsplit", default: -1)
                ).map { .string($0) })
        }
        f["dict2items"] = { v, a, _ in
            guard let d = v.dictValue else {
                throw TemplateError.type("dict2items requires a dictionary, got \(v.typeName) instead.")
            }
            let k = try a.string(0, "key_name", default: "key")!
            let val = try a.string(1, "value_name", default: "value")!
            return .list(d.pairs.map { .dict(ValueDict([(Value.string(k), $0.0), (Value.string(val), $0.1)])) })
        }
        f["items2dict"] = { v, a, _ in
            let k = try a.string(0, "key_name", default: "key")!
            let val = try a.string(1, "value_name", default: "value")!
            var d = ValueDict()
            for item in try v.iterate() {
                guard let kv = item.dictValue, let key = kv[k], let value = kv[val] else {
                    throw TemplateError.type("items2dict requires a list of dictionaries with '\(k)' and '\(val)' keys")
                }
                d[key] = value
            }
            return .dict(d)
        }
        f["combine"] = { v, a, _ in
            var dicts: [ValueDict] = []
            for term in [v] + a.positional {
                if let d = term.dictValue {
                    dicts.append(d)
                } else if let l = term.listValue {
                    for x in l {
                        guard let d = x.dictValue else {
                            throw TemplateError.type("combine expects dictionaries, got \(x.typeName)")
                        }
                        dicts.append(d)
                    }
                } else {
                    if case .undefined(let u) = term { throw TemplateError.undefined(u) }
                    throw TemplateError.type("combine expects dictionaries, got \(term.typeName)")
                }
            }
            try a.checkNames(["recursive", "list_merge"], callee: "combine")
            let recursive = try a.bool(99, "recursive", default: false)
            let listMerge = try a.string(99, "list_merge", default: "replace")!
            let modes = ["replace", "keep", "append", "prepend", "append_rp", "prepend_rp"]
            guard modes.contains(listMerge) else {
                var m = "combine: list_merge must be one of \(modes.joined(separator: ", "))"
                if let s = Suggestion.closest(to: listMerge, in: modes) { m += "; did you mean '\(s)'?" }
                throw TemplateError.runtime(m)
            }
            var result = ValueDict()
            for d in dicts { result = merge(result, d, recursive: recursive, listMerge: listMerge) }
            return .dict(result)
        }
        f["zip"] = { v, a, _ in
            let lists = try ([v] + a.positional).map { try $0.iterate() }
            let n = lists.map(\.count).min() ?? 0
            return .list((0..<n).map { i in .tuple(lists.map { $0[i] }) })
        }
        f["zip_longest"] = { v, a, _ in
            let lists = try ([v] + a.positional).map { try $0.iterate() }
            let fill = a.get("fillvalue") ?? .none
            let n = lists.map(\.count).max() ?? 0
            return .list((0..<n).map { i in .tuple(lists.map { i < $0.count ? $0[i] : fill }) })
        }
        f["flatten"] = { v, a, _ in
            let levels = a.get(0, "levels").flatMap { $0.isNone ? nil : $0.intValue }
            return .list(
                flatten(try v.iterate(), levels: levels, skipNulls: try a.bool(1, "skip_nulls", default: true)))
        }
        f["union"] = { v, a, ctx in
            .list(
                try BuiltinFilters.unique(
                    try v.iterate() + (try (a.get(0, "b") ?? .list([])).iterate()),
                    caseSensitive: true, attribute: nil, ctx))
        }
        f["intersect"] = { v, a, ctx in
            let b = try (a.get(0, "b") ?? .list([])).iterate()
            return .list(
                try BuiltinFilters.unique(
                    try v.iterate().filter { b.contains($0) }, caseSensitive: true,
                    attribute: nil, ctx))
        }
        f["difference"] = { v, a, ctx in
            let b = try (a.get(0, "b") ?? .list([])).iterate()
            return .list(
                try BuiltinFilters.unique(
                    try v.iterate().filter { !b.contains($0) }, caseSensitive: true,
                    attribute: nil, ctx))
        }
        f["symmetric_difference"] = { v, a, ctx in
            let x = try v.iterate()
            let y = try (a.get(0, "b") ?? .list([])).iterate()
            let union = try BuiltinFilters.unique(x + y, caseSensitive: true, attribute: nil, ctx)
            return .list(union.filter { !(x.contains($0) && y.contains($0)) })
        }
        f["extract"] = { v, a, ctx in
            guard let container = a.get(0, "container") else { throw TemplateError.type("extract needs a container") }
            var r = try ctx.renderer.item(of: container, v, path: .name("extract", line: 0))
            if let more = a.get(1, "morekeys"), !more.isNone {
                for k in more.listValue ?? [more] {
                    r = try ctx.renderer.item(of: r, k, path: .name("extract", line: 0))
                }
            }
            return r
        }
        f["type_debug"] = { v, _, _ in .string(v.typeName) }
        f["log"] = { v, a, _ in
            guard let x = v.numericValue else { throw TemplateError.type("log() needs a number") }
            if let b = a.get(0, "base")?.numericValue { return .double(Foundation.log(x) / Foundation.log(b)) }
            return .double(Foundation.log(x))
        }
        f["pow"] = { v, a, _ in
            guard let x = v.numericValue, let y = a.get(0, "y")?.numericValue else {
                throw TemplateError.type("pow() needs numbers")
            }
            return .double(Foundation.pow(x, y))
        }
        f["root"] = { v, a, _ in
            guard let x = v.numericValue else { throw TemplateError.type("root() needs a number") }
            let b = a.get(0, "base")?.numericValue ?? 2
            return .double(b == 2 ? x.squareRoot() : Foundation.pow(x, 1 / b))
        }
        for table in [paths, text, collections, time] {
            for (k, v) in table { f[k] = v }
        }
        return f
    }()

    /// Ansible's `bool` filter and truthy test conversion.
    static func ansibleBool(_ v: Value, convertBool: Bool) throws -> Bool {
        switch v {
        case .bool(let b): return b
        case .none: return false
        case .string(let s):
            if convertBool { return ["yes", "on", "1", "true", "y", "t"].contains(s.lowercased()) }
            return !s.isEmpty
        case .int(let i): return convertBool ? i == 1 : i != 0
        case .double(let d): return convertBool ? d == 1 : d != 0
        default: return try v.truthy()
        }
    }

    static func digest(_ s: String, _ type: String) throws -> String {
        let data = Data(s.utf8)
        let bytes: [UInt8]
        switch type {
        case "md5": bytes = Array(Insecure.MD5.hash(data: data))
        case "sha1": bytes = Array(Insecure.SHA1.hash(data: data))
        case "sha256": bytes = Array(SHA256.hash(data: data))
        case "sha384": bytes = Array(SHA384.hash(data: data))
        case "sha512": bytes = Array(SHA512.hash(data: data))
        default:
            let known = ["md5", "sha1", "sha256", "sha384", "sha512"]
            var m = "hash: unsupported hash type '\(type)' (supported: \(known.joined(separator: ", ")))"
            if let s = Suggestion.closest(to: type, in: known) { m += "; did you mean '\(s)'?" }
            throw TemplateError.runtime(m)
        }
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(bytes.count * 2)
        for b in bytes {
            hex.append(digits[Int(b >> 4)])
            hex.append(digits[Int(b & 0xf)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    static func dirname(_ p: String) -> String {
        guard let i = p.lastIndex(of: "/") else { return "" }
        var head = String(p[...i])
        if !head.isEmpty && head != String(repeating: "/", count: head.count) {
            while head.hasSuffix("/") { head.removeLast() }
        }
        return head
    }

    /// Python's `shlex.quote`.
    static func shellQuote(_ s: String) -> String {
        if s.isEmpty { return "''" }
        let safe = s.unicodeScalars.allSatisfy { c in
            (c.value < 128 && (CharacterSet.alphanumerics.contains(c) || "@%+=:,./-_".unicodeScalars.contains(c)))
        }
        if safe { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }

    static func regexSearch(_ v: Value, _ a: Arguments) throws -> Value {
        let s = try v.pythonString()
        let pattern = try a.string(0, "regex", default: "")!
        var groups: [Value] = []
        for arg in a.positional.dropFirst() {
            let t = try arg.pythonString()
            if t.hasPrefix("\\g<"), t.hasSuffix(">") {
                let name = String(t.dropFirst(3).dropLast())
                groups.append(Int(name).map { .int($0) } ?? .string(name))
            } else if t.hasPrefix("\\"), let n = Int(t.dropFirst()) {
                groups.append(.int(n))
            } else {
                throw TemplateError.runtime("regex_search: unknown argument '\(t)' (use '\\1' or '\\g<name>')")
            }
        }
        guard
            let m = try PythonRegex.firstMatch(
                s, pattern: pattern, ignoreCase: try a.bool(99, "ignorecase", default: false),
                multiline: try a.bool(99, "multiline", default: false))
        else { return .none }
        let ns = s as NSString
        if groups.isEmpty { return .string(ns.substring(with: m.range)) }
        return .list(
            groups.map { g in
                let r = g.intValue.map { m.range(at: $0) } ?? m.range(withName: g.stringValue ?? "")
                return r.location == NSNotFound ? .none : .string(ns.substring(with: r))
            })
    }

    /// Ansible's `merge_hash`.
    static func merge(_ x: ValueDict, _ y: ValueDict, recursive: Bool, listMerge: String) -> ValueDict {
        var result = x
        for (k, yv) in y.pairs {
            guard let xv = result[k] else {
                result[k] = yv
                continue
            }
            if recursive, let xd = xv.dictValue, let yd = yv.dictValue {
                result[k] = .dict(merge(xd, yd, recursive: true, listMerge: listMerge))
                continue
            }
            if let xl = xv.listValue, let yl = yv.listValue, case .list = xv {
                switch listMerge {
                case "keep": result[k] = xv
                case "append": result[k] = .list(xl + yl)
                case "prepend": result[k] = .list(yl + xl)
                case "append_rp": result[k] = .list(xl.filter { !yl.contains($0) } + yl)
                case "prepend_rp": result[k] = .list(yl + xl.filter { !yl.contains($0) })
                default: result[k] = yv
                }
                continue
            }
            result[k] = yv
        }
        return result
    }

    static func flatten(_ items: [Value], levels: Int?, skipNulls: Bool) -> [Value] {
        var out: [Value] = []
        for item in items {
            if skipNulls && (item.isNone || item.stringValue == "None") { continue }
            if let l = item.listValue {
                if let levels {
                    out.append(contentsOf: levels > 1 ? flatten(l, levels: levels - 1, skipNulls: skipNulls) : l)
                } else {
                    out.append(contentsOf: flatten(l, levels: nil, skipNulls: skipNulls))
                }
            } else {
                out.append(item)
            }
        }
        return out
    }
}
