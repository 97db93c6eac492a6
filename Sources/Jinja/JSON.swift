/// JSON as Python's `json` module reads and writes it (`to_json`, `to_nice_json`, `from_json`).
public enum JSON {
    public struct DumpOptions {
        public var indent: Int? = nil
        public var sortKeys = false
        public var ensureASCII = true
        public var itemSeparator = ", "
        public var keySeparator = ": "

        public init(indent: Int? = nil, sortKeys: Bool = false, ensureASCII: Bool = true) {
            self.indent = indent
            self.sortKeys = sortKeys
            self.ensureASCII = ensureASCII
            if indent != nil { itemSeparator = "," }
        }
    }

    public static func dump(_ v: Value, _ options: DumpOptions = DumpOptions()) throws -> String {
        var out = ""
        try write(v, options, level: 0, into: &out)
        return out
    }

    static func write(_ v: Value, _ o: DumpOptions, level: Int, into out: inout String) throws {
        switch v {
        case .undefined(let u): throw TemplateError.undefined(u)
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isNaN {
                out += "NaN"
            } else if d.isInfinite {
                out += d < 0 ? "-Infinity" : "Infinity"
            } else {
                out += Value.pythonFloat(d)
            }
        case .string(let s): writeString(s, ascii: o.ensureASCII, into: &out)
        case .list(let l), .tuple(let l):
            if l.isEmpty {
                out += "[]"
                return
            }
            out += "["
            for (i, item) in l.enumerated() {
                if i > 0 { out += o.itemSeparator }
                newline(o, level + 1, &out)
                try write(item, o, level: level + 1, into: &out)
            }
            newline(o, level, &out)
            out += "]"
        case .dict(let d):
            if d.isEmpty {
                out += "{}"
                return
            }
            var pairs = try d.pairs.map { (try keyString($0.0), $0.1) }
            if o.sortKeys {
                pairs = pairs.enumerated().sorted {
                    $0.element.0 == $1.element.0
                        ? $0.offset < $1.offset
                        : $0.element.0.unicodeScalars.lexicographicallyPrecedes($1.element.0.unicodeScalars)
                }.map { $0.element }
            }
            out += "{"
            for (i, (k, item)) in pairs.enumerated() {
                if i > 0 { out += o.itemSeparator }
                newline(o, level + 1, &out)
                writeString(k, ascii: o.ensureASCII, into: &out)
                out += o.keySeparator
                try write(item, o, level: level + 1, into: &out)
            }
            newline(o, level, &out)
            out += "}"
        case .object(let date as DateTimeObject):
            // Ansible's JSON encoder writes datetimes as ISO 8601 strings.
            writeString(date.isoformat(separator: "T", timespec: "auto")!, ascii: o.ensureASCII, into: &out)
        case .object(let obj):
            throw TemplateError.type("Object of type \(obj.typeName) is not JSON serializable")
        }
    }

    static func keyString(_ k: Value) throws -> String {
        switch k {
        case .string(let s): return s
        case .none: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return Value.pythonFloat(d)
        default: throw TemplateError.type("keys must be str, int, float, bool or None, not \(k.typeName)")
        }
    }

    static func newline(_ o: DumpOptions, _ level: Int, _ out: inout String) {
        guard let indent = o.indent else { return }
        out += "\n"
        out += String(repeating: " ", count: indent * level)
    }

    static func writeString(_ s: String, ascii: Bool, into out: inout String) {
        out += "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if c.value < 0x20 {
                    out += "\\u" + Value.hex(c.value, width: 4)
                } else if ascii && c.value > 0x7e {
                    if c.value > 0xffff {
                        let v = c.value - 0x10000
                        out += "\\u" + Value.hex(0xd800 + (v >> 10), width: 4)
                        out += "\\u" + Value.hex(0xdc00 + (v & 0x3ff), width: 4)
                    } else {
                        out += "\\u" + Value.hex(c.value, width: 4)
                    }
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        out += "\""
    }

    /// Parses JSON keeping object key order.
    public static func parse(_ text: String) throws -> Value {
        var p = JSONParser(bytes: Array(text.utf8))
        p.skipSpace()
        let v = try p.value()
        p.skipSpace()
        guard p.i == p.bytes.count else { throw p.error("extra data after the JSON value") }
        return v
    }
}
