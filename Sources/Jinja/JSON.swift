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
            if d.isNaN { out += "NaN" } else if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity" } else {
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
                    $0.element.0 == $1.element.0 ? $0.offset < $1.offset
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

struct JSONParser {
    let bytes: [UInt8]
    var i = 0

    func error(_ message: String) -> TemplateError {
        var line = 1
        var col = 1
        for b in bytes[..<min(i, bytes.count)] {
            if b == 10 {
                line += 1
                col = 1
            } else {
                col += 1
            }
        }
        return TemplateError.runtime("invalid JSON: \(message): line \(line) column \(col)")
    }

    mutating func skipSpace() {
        while i < bytes.count, [32, 9, 10, 13].contains(bytes[i]) { i += 1 }
    }

    mutating func value() throws -> Value {
        guard i < bytes.count else { throw error("expecting value") }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            var d = ValueDict()
            skipSpace()
            if i < bytes.count && bytes[i] == UInt8(ascii: "}") {
                i += 1
                return .dict(d)
            }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                    throw error("expecting property name enclosed in double quotes")
                }
                let k = try string()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("expecting ':' delimiter") }
                i += 1
                skipSpace()
                d[k] = try value()
                skipSpace()
                guard i < bytes.count else { throw error("expecting ',' delimiter") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    return .dict(d)
                }
                throw error("expecting ',' delimiter")
            }
        case UInt8(ascii: "["):
            i += 1
            var l: [Value] = []
            skipSpace()
            if i < bytes.count && bytes[i] == UInt8(ascii: "]") {
                i += 1
                return .list(l)
            }
            while true {
                skipSpace()
                l.append(try value())
                skipSpace()
                guard i < bytes.count else { throw error("expecting ',' delimiter") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    return .list(l)
                }
                throw error("expecting ',' delimiter")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .none)
        case UInt8(ascii: "N"): return try literal("NaN", .double(.nan))
        case UInt8(ascii: "I"): return try literal("Infinity", .double(.infinity))
        default:
            return try number()
        }
    }

    mutating func literal(_ word: String, _ v: Value) throws -> Value {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw error("expecting value") }
        i += w.count
        return v
    }

    mutating func number() throws -> Value {
        let start = i
        if i < bytes.count && bytes[i] == UInt8(ascii: "-") { i += 1 }
        if i + 8 <= bytes.count && String(decoding: bytes[i..<(i + 8)], as: UTF8.self) == "Infinity" {
            i += 8
            return .double(-.infinity)
        }
        var isFloat = false
        while i < bytes.count {
            let c = bytes[i]
            if c >= 48 && c <= 57 {
                i += 1
            } else if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
                || ((c == UInt8(ascii: "+") || c == UInt8(ascii: "-")) && isFloat)
            {
                isFloat = true
                i += 1
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if !isFloat, let n = Int(text) { return .int(n) }
        if let d = Double(text), !text.isEmpty, text != "-" { return .double(d) }
        i = start
        throw error("expecting value")
    }

    mutating func string() throws -> String {
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw error("unterminated string") }
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") {
                guard i + 1 < bytes.count else { throw error("unterminated string") }
                let e = bytes[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "/"): out.append(47)
                case UInt8(ascii: "\\"): out.append(92)
                case UInt8(ascii: "\""): out.append(34)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if code >= 0xd800 && code < 0xdc00, i + 1 < bytes.count, bytes[i] == 92, bytes[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00)
                    }
                    out.append(contentsOf: Array(String(UnicodeScalar(code).map(Character.init) ?? "\u{fffd}").utf8))
                default: throw error("invalid \\escape")
                }
                continue
            }
            out.append(c)
            i += 1
        }
    }

    mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else {
            throw error("invalid \\uXXXX escape")
        }
        i += 4
        return v
    }
}
