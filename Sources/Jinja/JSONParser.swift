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
                    if code >= 0xd800 && code < 0xdc00, i + 1 < bytes.count, bytes[i] == 92,
                        bytes[i + 1] == UInt8(ascii: "u")
                    {
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
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16)
        else {
            throw error("invalid \\uXXXX escape")
        }
        i += 4
        return v
    }
}
