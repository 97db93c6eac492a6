// Python semantics for values: how they print, compare, hash and test for truth inside templates.

extension Value: Equatable {
    /// Python's `==`: `1 == 1.0 == True`, lists and tuples are never equal to each other.
    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.string(let x), .string(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)): return x == y
        case (.dict(let x), .dict(let y)): return x == y
        case (.object(let x), .object(let y)): return x === y || ((x as? any ValueObject)?.equals(y) ?? false)
        case (.undefined, .undefined): return true
        case (.int, .double), (.double, .int), (.double, .double), (.bool, .int), (.int, .bool),
            (.bool, .double), (.double, .bool):
            return a.doubleValue! == b.doubleValue!
        default: return false
        }
    }
}

extension Value: Hashable {
    public func hash(into h: inout Hasher) {
        switch self {
        case .none: h.combine(0)
        case .undefined: h.combine(1)
        case .bool(let b): h.combine(b ? 1 : 0)
        case .int(let i): h.combine(i)
        case .double(let d):
            if let i = Int(exactly: d) { h.combine(i) } else { h.combine(d) }
        case .string(let s): h.combine(s)
        case .list(let l), .tuple(let l): h.combine(l)
        case .dict(let d): h.combine(d.count)
        case .object(let o):
            if let v = o as? any ValueObject { h.combine(v.key) } else { h.combine(ObjectIdentifier(o)) }
        }
    }
}

extension Value {
    /// Python's `str()`: what `{{ value }}` prints.
    public func pythonString() throws -> String {
        switch self {
        case .string(let s): return s
        case .undefined(let u):
            if u.lenient { return "" }
            throw TemplateError.undefined(u)
        case .object(let o): return o.stringValue
        default:
            var out = ""
            try writeRepr(into: &out)
            return out
        }
    }

    /// Python's `repr()`: how values print inside lists and dicts.
    public func pythonRepr() throws -> String {
        var out = ""
        try writeRepr(into: &out)
        return out
    }

    func writeRepr(into out: inout String) throws {
        switch self {
        case .undefined(let u): throw TemplateError.undefined(u)
        case .none: out += "None"
        case .bool(let b): out += b ? "True" : "False"
        case .int(let i): out += String(i)
        case .double(let d): out += Value.pythonFloat(d)
        case .string(let s): Value.writeStringRepr(s, into: &out)
        case .list(let l):
            out += "["
            for (i, v) in l.enumerated() {
                if i > 0 { out += ", " }
                try v.writeRepr(into: &out)
            }
            out += "]"
        case .tuple(let l):
            out += "("
            for (i, v) in l.enumerated() {
                if i > 0 { out += ", " }
                try v.writeRepr(into: &out)
            }
            out += l.count == 1 ? ",)" : ")"
        case .dict(let d):
            out += "{"
            var first = true
            for (k, v) in d.pairs {
                if !first { out += ", " }
                first = false
                try k.writeRepr(into: &out)
                out += ": "
                try v.writeRepr(into: &out)
            }
            out += "}"
        case .object(let o): out += (o as? any ValueObject)?.repr ?? o.stringValue
        }
    }

    static func writeStringRepr(_ s: String, into out: inout String) {
        // Fast path: plain ASCII needing no escapes is copied in one piece.
        var hasSingle = false
        var hasDouble = false
        var simple = true
        for b in s.utf8 {
            switch b {
            case 39: hasSingle = true
            case 34: hasDouble = true
            case 92, 0..<32, 127...255: simple = false
            default: break
            }
        }
        let useDouble = hasSingle && !hasDouble
        if simple && !(hasSingle && hasDouble) {
            out += useDouble ? "\"" : "'"
            out += s
            out += useDouble ? "\"" : "'"
            return
        }
        let quote: Unicode.Scalar = useDouble ? "\"" : "'"
        out.unicodeScalars.append(quote)
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case quote:
                out += "\\"
                out.unicodeScalars.append(c)
            default:
                if c.value < 0x20 || c.value == 0x7f || (c.value >= 0x80 && c.value < 0xa0) {
                    out += "\\x" + hex(c.value, width: 2)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        out.unicodeScalars.append(quote)
    }

    static func hex(_ v: UInt32, width: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// Python's `repr(float)`: shortest round-trip digits, exponent outside [1e-4, 1e16).
    public static func pythonFloat(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        // Swift's shortest round-trip digits agree with Python's repr except for where the exponent form starts.
        if d == d.rounded(), abs(d) < 1e16 {
            return (d == 0 && d.sign == .minus ? "-" : "") + String(Int64(d)) + ".0"
        }
        let description = d.description
        if !description.utf8.contains(UInt8(ascii: "e")) { return description }
        var s = Substring(description)
        var negative = false
        if s.first == "-" {
            negative = true
            s = s.dropFirst()
        }
        var mantissa = s
        var exponent = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = s[..<e]
            exponent = Int(s[s.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        var digits = Array(parts[0].utf8) + (parts.count > 1 ? Array(parts[1].utf8) : [])
        var point = parts[0].utf8.count + exponent
        while digits.count > 1 && digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.count > 1 && digits.last == UInt8(ascii: "0") { digits.removeLast() }
        let sign = negative ? "-" : ""
        if digits == [UInt8(ascii: "0")] { return sign + "0.0" }
        let ds = String(decoding: digits, as: UTF8.self)
        let sci = point - 1
        if sci < -4 || sci >= 16 {
            var r = String(ds.prefix(1))
            if digits.count > 1 { r += "." + ds.dropFirst() }
            let mag = abs(sci)
            return sign + r + "e" + (sci < 0 ? "-" : "+") + (mag < 10 ? "0" : "") + String(mag)
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + ds }
        if point >= digits.count { return sign + ds + String(repeating: "0", count: point - digits.count) + ".0" }
        return sign + ds.prefix(point) + "." + ds.dropFirst(point)
    }

    /// Python truthiness; using an undefined value in a condition is an error (strict undefined).
    public func truthy() throws -> Bool {
        switch self {
        case .undefined(let u):
            if u.lenient { return false }
            throw TemplateError.undefined(u)
        case .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let l), .tuple(let l): return !l.isEmpty
        case .dict(let d): return !d.isEmpty
        case .object: return true
        }
    }

    /// Python's ordering for `<`, `sort`, `min`, `max`; mixing unorderable types is a TypeError.
    public static func compare(_ a: Value, _ b: Value, caseSensitive: Bool = true) throws -> Int {
        switch (a, b) {
        case (.string(let x), .string(let y)):
            let (p, q) = caseSensitive ? (x, y) : (x.lowercased(), y.lowercased())
            if p == q { return 0 }
            return p.unicodeScalars.lexicographicallyPrecedes(q.unicodeScalars) ? -1 : 1
        case (.int(let x), .int(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)):
            for (p, q) in zip(x, y) {
                let c = try compare(p, q, caseSensitive: caseSensitive)
                if c != 0 { return c }
            }
            return x.count < y.count ? -1 : (x.count == y.count ? 0 : 1)
        case (.undefined(let u), _), (_, .undefined(let u)): throw TemplateError.undefined(u)
        case (.object(let x as any ValueObject), .object(let y)):
            if let c = x.compare(y) { return c }
            fallthrough
        default:
            if let x = a.numericValue, let y = b.numericValue {
                return x < y ? -1 : (x == y ? 0 : 1)
            }
            throw TemplateError.type(
                "'<' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
        }
    }

    var numericValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// Iterating a value as Python's `for x in value` does: dict keys, string characters.
    public func iterate() throws -> [Value] {
        switch self {
        case .list(let l), .tuple(let l): return l
        case .dict(let d): return d.keys
        case .string(let s): return s.unicodeScalars.map { .string(String($0)) }
        case .undefined(let u):
            if u.lenient { return [] }
            throw TemplateError.undefined(u)
        default: throw TemplateError.type("'\(typeName)' object is not iterable")
        }
    }

    /// Python's `len()`.
    public func length() throws -> Int {
        switch self {
        case .list(let l), .tuple(let l): return l.count
        case .dict(let d): return d.count
        case .string(let s): return s.unicodeScalars.count
        case .undefined(let u): throw TemplateError.undefined(u)
        default: throw TemplateError.type("object of type '\(typeName)' has no len()")
        }
    }
}
