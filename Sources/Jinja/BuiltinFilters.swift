import Foundation

/// jinja2's built-in filters with jinja2 3.1 semantics.
enum BuiltinFilters {
    static let all: [String: Filter] = {
        var f = jinja
        for (k, v) in AnsibleFilters.all { f[k] = v }
        return f
    }()

    static let jinja: [String: Filter] = {
        var f: [String: Filter] = [:]
        f["default"] = { v, a, _ in
            let fallback = a.get(0, "default_value") ?? .string("")
            if v.isUndefined { return fallback }
            if try a.bool(1, "boolean", default: false), !(try v.truthy()) { return fallback }
            return v
        }
        f["d"] = f["default"]
        f["upper"] = { v, _, _ in .string(try v.pythonString().uppercased()) }
        f["lower"] = { v, _, _ in .string(try v.pythonString().lowercased()) }
        f["capitalize"] = { v, _, _ in .string(PyString.capitalize(try v.pythonString())) }
        f["title"] = { v, _, _ in .string(title(try v.pythonString())) }
        f["trim"] = { v, a, _ in
            .string(PyString.strip(try v.pythonString(), chars: try a.string(0, "chars"), left: true, right: true))
        }
        f["replace"] = { v, a, _ in
            let old = try a.string(0, "old", default: "")!
            let new = try a.string(1, "new", default: "")!
            let count = try a.int(2, "count", default: -1)
            return .string(PyString.replace(try v.pythonString(), old, new, count: count))
        }
        f["length"] = { v, _, _ in .int(try v.length()) }
        f["count"] = f["length"]
        f["string"] = { v, _, _ in .string(try v.pythonString()) }
        f["list"] = { v, _, _ in .list(try v.iterate()) }
        f["first"] = { v, _, _ in
            let items = try v.iterate()
            return items.first ?? .undefined(Undefined(name: "first", hint: "No first item, sequence was empty."))
        }
        f["last"] = { v, _, _ in
            let items = try v.iterate()
            return items.last ?? .undefined(Undefined(name: "last", hint: "No last item, sequence was empty."))
        }
        f["join"] = { v, a, ctx in
            let sep = try a.string(0, "d", default: "")!
            var items = try v.iterate()
            if let attr = try a.string(1, "attribute") { items = try items.map { try attribute($0, attr, ctx) } }
            return .string(try items.map { try $0.pythonString() }.joined(separator: sep))
        }
        f["reverse"] = { v, _, _ in
            if case .string(let s) = v { return .string(String(String.UnicodeScalarView(s.unicodeScalars.reversed()))) }
            return .list(try v.iterate().reversed())
        }
        f["sort"] = { v, a, ctx in
            let attr = try a.string(2, "attribute")
            return .list(
                try Sorting.sorted(
                    try v.iterate(), reverse: try a.bool(0, "reverse", default: false),
                    caseSensitive: try a.bool(1, "case_sensitive", default: false),
                    key: attr.map { at in
                        // jinja2: `attribute='a,b'` sorts by several attributes.
                        let parts = at.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
                        if parts.count == 1 { return { try attribute($0, at, ctx) } }
                        return { item in .list(try parts.map { try attribute(item, $0, ctx) }) }
                    }))
        }
        f["unique"] = { v, a, ctx in
            .list(
                try unique(
                    try v.iterate(), caseSensitive: try a.bool(0, "case_sensitive", default: false),
                    attribute: try a.string(1, "attribute"), ctx))
        }
        f["min"] = { v, a, ctx in try minMax(v, a, ctx, wantMax: false) }
        f["max"] = { v, a, ctx in try minMax(v, a, ctx, wantMax: true) }
        f["sum"] = { v, a, ctx in
            var total = a.get(1, "start") ?? .int(0)
            let attr = try a.string(0, "attribute")
            for item in try v.iterate() {
                total = try Operators.binary(.add, total, attr == nil ? item : try attribute(item, attr!, ctx))
            }
            return total
        }
        f["abs"] = { v, _, _ in
            switch v {
            case .int(let i): return .int(abs(i))
            case .double(let d): return .double(abs(d))
            case .bool(let b): return .int(b ? 1 : 0)
            default: throw TemplateError.type("bad operand type for abs(): '\(v.typeName)'")
            }
        }
        f["int"] = { v, a, _ in
            try toInt(v, default: a.get(0, "default") ?? .int(0), base: try a.int(1, "base", default: 10))
        }
        f["float"] = { v, a, _ in try toFloat(v, default: a.get(0, "default") ?? .double(0)) }
        f["round"] = { v, a, _ in
            let precision = try a.int(0, "precision", default: 0)
            let method = try a.string(1, "method", default: "common")!
            guard let d = v.numericValue else {
                throw TemplateError.type("round() needs a number, not '\(v.typeName)'")
            }
            switch method {
            case "common":
                if case .int(let i) = v, precision >= 0 { return .int(i) }
                if precision == 0 { return .double(d.rounded(.toNearestOrEven)) }
                if precision < 0 {
                    let m = pow(10.0, Double(-precision))
                    return .double((d / m).rounded(.toNearestOrEven) * m)
                }
                let text = String(format: "%.\(max(0, precision))f", d)
                return .double(Double(text) ?? d)
            case "ceil", "floor":
                let m = pow(10.0, Double(precision))
                return .double((method == "ceil" ? (d * m).rounded(.up) : (d * m).rounded(.down)) / m)
            default: throw TemplateError.runtime("method must be 'common', 'ceil' or 'floor'")
            }
        }
        f["indent"] = { v, a, _ in
            let widthArg = a.get(0, "width") ?? .int(4)
            let pad: String
            if case .string(let s) = widthArg {
                pad = s
            } else {
                pad = String(repeating: " ", count: widthArg.intValue ?? 4)
            }
            return .string(
                indent(
                    try v.pythonString(), pad: pad, first: try a.bool(1, "first", default: false),
                    blank: try a.bool(2, "blank", default: false)))
        }
        f["center"] = { v, a, _ in
            try Methods.stringMethod(
                try v.pythonString(), "center", Arguments([.int(try a.int(0, "width", default: 80))]))
        }
        f["format"] = { v, a, _ in
            let fmt = try v.pythonString()
            if !a.named.isEmpty { return .string(try PythonFormat.percent(fmt, .dict(ValueDict(a.named)))) }
            return .string(try PythonFormat.percent(fmt, .tuple(a.positional)))
        }
        f["map"] = { v, a, ctx in .list(try mapItems(try v.iterate(), a, ctx)) }
        f["select"] = { v, a, ctx in .list(try selectItems(try v.iterate(), a, ctx, attr: false, keep: true)) }
        f["reject"] = { v, a, ctx in .list(try selectItems(try v.iterate(), a, ctx, attr: false, keep: false)) }
        f["selectattr"] = { v, a, ctx in .list(try selectItems(try v.iterate(), a, ctx, attr: true, keep: true)) }
        f["rejectattr"] = { v, a, ctx in .list(try selectItems(try v.iterate(), a, ctx, attr: true, keep: false)) }
        f["items"] = { v, _, _ in
            if v.isUndefined { return .list([]) }
            guard let d = v.dictValue else { throw TemplateError.type("can only get item pairs from a mapping") }
            return .list(d.pairs.map { .tuple([$0.0, $0.1]) })
        }
        f["dictsort"] = { v, a, _ in
            guard let d = v.dictValue else { throw TemplateError.type("dictsort needs a mapping, not '\(v.typeName)'") }
            let caseSensitive = try a.bool(0, "case_sensitive", default: false)
            let byValue = try a.string(1, "by", default: "key")! == "value"
            let reverse = try a.bool(2, "reverse", default: false)
            let pairs = d.pairs.map { Value.tuple([$0.0, $0.1]) }
            return .list(
                try Sorting.sorted(
                    pairs, reverse: reverse, caseSensitive: caseSensitive,
                    key: { $0.listValue![byValue ? 1 : 0] }))
        }
        f["groupby"] = { v, a, ctx in
            guard let attr = try a.string(0, "attribute") else {
                throw TemplateError.type("groupby needs an attribute")
            }
            let def = a.get(1, "default")
            let caseSensitive = try a.bool(2, "case_sensitive", default: false)
            let keyOf: (Value) throws -> Value = { item in
                let k = try attribute(item, attr, ctx)
                if k.isUndefined, let def { return def }
                return k
            }
            let sorted = try Sorting.sorted(try v.iterate(), reverse: false, caseSensitive: caseSensitive, key: keyOf)
            var groups: [(Value, Value, [Value])] = []
            for item in sorted {
                let k = try keyOf(item)
                let norm: Value = !caseSensitive ? (k.stringValue.map { .string($0.lowercased()) } ?? k) : k
                if let last = groups.last, last.0 == norm {
                    groups[groups.count - 1].2.append(item)
                } else {
                    groups.append((norm, k, [item]))
                }
            }
            return .list(groups.map { .tuple([$0.1, .list($0.2)]) })
        }
        f["batch"] = { v, a, _ in
            let n = try a.int(0, "linecount", default: 1)
            guard n > 0 else { throw TemplateError.runtime("batch size must be positive") }
            let fill = a.get(1, "fill_with")
            var out: [Value] = []
            var cur: [Value] = []
            for item in try v.iterate() {
                cur.append(item)
                if cur.count == n {
                    out.append(.list(cur))
                    cur = []
                }
            }
            if !cur.isEmpty {
                if let fill, !fill.isNone { while cur.count < n { cur.append(fill) } }
                out.append(.list(cur))
            }
            return .list(out)
        }
        f["random"] = { v, _, _ in
            let items = try v.iterate()
            guard let pick = items.randomElement() else {
                return .undefined(Undefined(name: "random", hint: "No random item, sequence was empty."))
            }
            return pick
        }
        f["filesizeformat"] = { v, a, _ in
            guard let bytes = try v.numericValue ?? Double(v.pythonString()) else {
                throw TemplateError.type("filesizeformat needs a number, not '\(v.typeName)'")
            }
            let binary = try a.bool(0, "binary", default: false)
            let base = binary ? 1024.0 : 1000.0
            let prefixes =
                binary
                ? ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"]
                : ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
            if bytes == 1 { return "1 Byte" }
            if bytes < base { return .string("\(Int(bytes)) Bytes") }
            var unit = base
            for (i, prefix) in prefixes.enumerated() {
                unit = pow(base, Double(i + 2))
                if bytes < unit || i == prefixes.count - 1 {
                    return .string(String(format: "%.1f %@", base * bytes / unit, prefix))
                }
            }
            return .string("\(Int(bytes)) Bytes")
        }
        f["attr"] = { v, a, ctx in try attribute(v, try a.string(0, "name", default: "")!, ctx) }
        f["safe"] = { v, _, _ in v }
        f["escape"] = { v, _, _ in .string(htmlEscape(try v.pythonString())) }
        f["e"] = f["escape"]
        f["forceescape"] = f["escape"]
        f["pprint"] = { v, _, _ in .string(try v.pythonRepr()) }
        f["wordcount"] = { v, _, _ in
            .int(try v.pythonString().split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).count)
        }
        f["truncate"] = { v, a, _ in
            let s = try v.pythonString()
            let length = try a.int(0, "length", default: 255)
            let killwords = try a.bool(1, "killwords", default: false)
            let end = try a.string(2, "end", default: "...")!
            let leeway = try a.int(3, "leeway", default: 5)
            let chars = Array(s)
            if chars.count <= length + leeway { return .string(s) }
            let cut = max(0, length - end.count)
            if killwords { return .string(String(chars[..<cut]) + end) }
            var result = String(chars[..<cut])
            if let space = result.lastIndex(of: " ") { result = String(result[..<space]) }
            return .string(result + end)
        }
        f["urlencode"] = { v, _, _ in
            if let d = v.dictValue {
                return .string(
                    try d.pairs.map {
                        urlQuote(try $0.0.pythonString(), forQuery: true) + "="
                            + urlQuote(try $0.1.pythonString(), forQuery: true)
                    }.joined(separator: "&"))
            }
            return .string(urlQuote(try v.pythonString(), forQuery: false))
        }
        f["tojson"] = { v, a, _ in
            var o = JSON.DumpOptions(indent: a.get(0, "indent")?.intValue, sortKeys: true)
            if o.indent == nil { o.itemSeparator = ", " }
            let s = try JSON.dump(v, o)
            return .string(
                s.replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
                    .replacingOccurrences(of: "&", with: "\\u0026").replacingOccurrences(of: "'", with: "\\u0027"))
        }
        return f
    }()

    // MARK: Helpers shared with Ansible's filters

    /// jinja2's `environment.getitem`-style attribute lookup used by `map(attribute=)`, `sort(attribute=)`.
    /// Dotted paths (`user.name`) and integer parts (`0`) are supported.
    static func attribute(_ v: Value, _ path: String, _ ctx: CallContext) throws -> Value {
        var cur = v
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            let key: Value = Int(part).map { .int($0) } ?? .string(String(part))
            cur = try ctx.renderer.item(of: cur, key, path: .name(path, line: 0))
        }
        return cur
    }

    static func title(_ s: String) -> String {
        // jinja2 capitalises the first letter after whitespace, '-', '(', '{', '[' or '<'.
        var out = ""
        var atStart = true
        for c in s {
            if c.isWhitespace || "-({[<".contains(c) {
                out.append(c)
                atStart = true
            } else if atStart {
                out += c.uppercased()
                atStart = false
            } else {
                out += c.lowercased()
            }
        }
        return out
    }

    static func indent(_ s: String, pad: String, first: Bool, blank: Bool) -> String {
        let lines = PyString.splitlines(s + "\n", keepends: false)
        var rv: String
        if blank {
            rv = lines.joined(separator: "\n" + pad)
        } else {
            rv = lines.first ?? ""
            if lines.count > 1 {
                rv += "\n" + lines.dropFirst().map { $0.isEmpty ? $0 : pad + $0 }.joined(separator: "\n")
            }
        }
        if first { rv = pad + rv }
        return rv
    }

    /// jinja2's `url_quote`: Python's `quote` with `/` safe, or with nothing safe and `+` for spaces in queries.
    static func urlQuote(_ s: String, forQuery: Bool) -> String {
        var out = ""
        for b in s.utf8 {
            let c = Character(UnicodeScalar(b))
            if (b < 128 && (c.isLetter || c.isNumber)) || c == "_" || c == "." || c == "-" || c == "~"
                || (!forQuery && c == "/")
            {
                out.append(c)
            } else if forQuery && c == " " {
                out += "+"
            } else {
                out += "%" + Value.hex(UInt32(b), width: 2).uppercased()
            }
        }
        return out
    }

    static func htmlEscape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func unique(_ items: [Value], caseSensitive: Bool, attribute attr: String?, _ ctx: CallContext) throws
        -> [Value]
    {
        var seen: Set<Value> = []
        var out: [Value] = []
        for item in items {
            var k = attr == nil ? item : try attribute(item, attr!, ctx)
            if !caseSensitive, case .string(let s) = k { k = .string(s.lowercased()) }
            if seen.insert(k).inserted { out.append(item) }
        }
        return out
    }

    static func minMax(_ v: Value, _ a: Arguments, _ ctx: CallContext, wantMax: Bool) throws -> Value {
        let items = try v.iterate()
        guard !items.isEmpty else {
            return .undefined(Undefined(name: wantMax ? "max" : "min", hint: "No aggregated item, sequence was empty."))
        }
        let caseSensitive = try a.bool(0, "case_sensitive", default: false)
        let attr = try a.string(1, "attribute")
        func key(_ x: Value) throws -> Value {
            var k = attr == nil ? x : try attribute(x, attr!, ctx)
            if !caseSensitive, case .string(let s) = k { k = .string(s.lowercased()) }
            return k
        }
        var best = items[0]
        var bestKey = try key(best)
        for item in items.dropFirst() {
            let k = try key(item)
            let c = try Value.compare(k, bestKey)
            if wantMax ? c > 0 : c < 0 {
                best = item
                bestKey = k
            }
        }
        return best
    }

    static func toInt(_ v: Value, default def: Value, base: Int) throws -> Value {
        switch v {
        case .int: return v
        case .bool(let b): return .int(b ? 1 : 0)
        case .double(let d):
            guard d.isFinite else { return def }
            return .int(Int(d))
        case .string(let raw):
            var s = PyString.strip(raw, chars: nil, left: true, right: true).replacingOccurrences(of: "_", with: "")
            var negative = false
            if s.hasPrefix("-") || s.hasPrefix("+") {
                negative = s.hasPrefix("-")
                s.removeFirst()
            }
            var radix = base
            let lower = s.lowercased()
            if (base == 16 && lower.hasPrefix("0x")) || (base == 8 && lower.hasPrefix("0o"))
                || (base == 2 && lower.hasPrefix("0b"))
            {
                s.removeFirst(2)
            } else if base == 0 {
                if lower.hasPrefix("0x") {
                    radix = 16
                    s.removeFirst(2)
                } else if lower.hasPrefix("0o") {
                    radix = 8
                    s.removeFirst(2)
                } else if lower.hasPrefix("0b") {
                    radix = 2
                    s.removeFirst(2)
                } else {
                    radix = 10
                }
            }
            if let i = Int(s, radix: radix) { return .int(negative ? -i : i) }
            if let d = Double(PyString.strip(raw, chars: nil, left: true, right: true)), d.isFinite {
                return .int(Int(d))
            }
            return def
        default:
            return def
        }
    }

    static func toFloat(_ v: Value, default def: Value) throws -> Value {
        switch v {
        case .double: return v
        case .int(let i): return .double(Double(i))
        case .bool(let b): return .double(b ? 1 : 0)
        case .string(let raw):
            let s = PyString.strip(raw, chars: nil, left: true, right: true).replacingOccurrences(of: "_", with: "")
            switch s.lowercased() {
            case "nan", "+nan", "-nan": return .double(.nan)
            case "inf", "+inf", "infinity", "+infinity": return .double(.infinity)
            case "-inf", "-infinity": return .double(-.infinity)
            default: break
            }
            if let d = Double(s), !s.lowercased().hasPrefix("0x") { return .double(d) }
            return def
        default: return def
        }
    }

    static func mapItems(_ items: [Value], _ a: Arguments, _ ctx: CallContext) throws -> [Value] {
        if let attr = try a.string(99, "attribute") {
            let def = a.get("default")
            return try items.map { item in
                let v = try attribute(item, attr, ctx)
                if v.isUndefined, let def { return def }
                return v
            }
        }
        guard let name = try a.string(0, "filter") else {
            throw TemplateError.type("map() needs a filter name or attribute=")
        }
        let rest = Arguments(Array(a.positional.dropFirst()), named: a.named)
        return try items.map { try ctx.filter(name, $0, rest) }
    }

    static func selectItems(_ items: [Value], _ a: Arguments, _ ctx: CallContext, attr: Bool, keep: Bool) throws
        -> [Value]
    {
        var positional = a.positional
        var attrName: String? = nil
        if attr {
            guard !positional.isEmpty else { throw TemplateError.type("selectattr/rejectattr need an attribute name") }
            attrName = try positional.removeFirst().pythonString()
        }
        let testName = positional.isEmpty ? nil : try positional.removeFirst().pythonString()
        let rest = Arguments(positional, named: a.named)
        return try items.filter { item in
            let v = attrName == nil ? item : try attribute(item, attrName!, ctx)
            let r = testName == nil ? try v.truthy() : try ctx.test(testName!, v, rest)
            return r == keep
        }
    }
}
