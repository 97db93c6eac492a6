import Crypto
import Foundation

/// Ansible's text filters: `comment`, `to_uuid`, `human_readable`, `human_to_bytes`, `urlsplit`,
/// `urldecode`, following ansible-core's implementations (core.py, mathstuff.py, urlsplit.py).
extension AnsibleFilters {
    static let text: [String: Filter] = {
        var f: [String: Filter] = [:]
        f["comment"] = { v, a, _ in try comment(try v.pythonString(), a) }
        f["to_uuid"] = { v, a, _ in
            let ns = try a.string(0, "namespace", default: "361E6D51-FAEC-444A-9079-341386DA8E2E")!
            return .string(try uuid5(namespace: ns, name: try v.pythonString()))
        }
        f["human_readable"] = { v, a, _ in
            guard let size = v.numericValue, v.boolValue == nil else {
                throw TemplateError.type("human_readable() failed on bad input: \(v.typeName) is not a number")
            }
            return .string(
                humanReadable(size, isBits: try a.bool(0, "isbits", default: false), unit: try a.string(1, "unit")))
        }
        f["human_to_bytes"] = { v, a, _ in
            .int(
                try humanToBytes(
                    try v.pythonString(), defaultUnit: try a.string(0, "default_unit"),
                    isBits: try a.bool(1, "isbits", default: false)))
        }
        f["urlsplit"] = { v, a, _ in
            let parts = try URLParts(try v.pythonString()).dictionary()
            guard let query = try a.string(0, "query"), !query.isEmpty else { return .dict(parts) }
            guard let part = parts[.string(query)] else {
                let names = parts.pairs.compactMap { $0.0.stringValue }
                var m = "urlsplit: unknown URL component '\(query)'"
                if let s = Suggestion.closest(to: query, in: names) { m += "; did you mean '\(s)'?" }
                throw TemplateError.runtime(m)
            }
            return part
        }
        f["password_hash"] = { v, a, _ in
            let type = try a.string(0, "hashtype", default: "sha512")!
            let kinds = ["sha512": true, "sha512_crypt": true, "sha256": false, "sha256_crypt": false]
            guard let sha512 = kinds[type] else {
                var m = "password_hash: unsupported hash type '\(type)' (supported: sha512, sha256)"
                if let s = Suggestion.closest(to: type, in: Array(kinds.keys)) { m += "; did you mean '\(s)'?" }
                throw TemplateError.runtime(m)
            }
            let saltChars = Set(ShaCrypt.alphabet)
            var salt = try a.string(1, "salt") ?? ""
            if salt.isEmpty { salt = ShaCrypt.randomSalt(try a.int(2, "salt_size", default: 16)) }
            guard salt.utf8.count <= 16, salt.utf8.allSatisfy(saltChars.contains) else {
                throw TemplateError.runtime(
                    "password_hash: the salt must be at most 16 characters from ./0-9A-Za-z, got '\(salt)'")
            }
            let rounds = try a.int(3, "rounds", default: ShaCrypt.passlibRounds(sha512: sha512))
            guard (1000...999_999_999).contains(rounds) else {
                throw TemplateError.runtime("password_hash: rounds must be between 1000 and 999999999, got \(rounds)")
            }
            return .string(ShaCrypt.hash(try v.pythonString(), salt: salt, rounds: rounds, sha512: sha512))
        }
        f["urldecode"] = { v, _, _ in .string(unquotePlus(try v.pythonString())) }
        return f
    }()

    static let commentStyles: [String: [String: String]] = [
        "plain": ["decoration": "# "],
        "erlang": ["decoration": "% "],
        "c": ["decoration": "// "],
        "cblock": ["beginning": "/*", "decoration": " * ", "end": " */"],
        "xml": ["beginning": "<!--", "decoration": " - ", "end": "-->"],
    ]

    static func comment(_ text: String, _ a: Arguments) throws -> Value {
        let style = try a.string(0, "style", default: "plain")!
        guard let styleParams = commentStyles[style] else {
            let names = ["plain", "erlang", "c", "cblock", "xml"]
            var m = "comment: invalid style '\(style)' (available styles: \(names.joined(separator: ", ")))"
            if let s = Suggestion.closest(to: style, in: names) { m += "; did you mean '\(s)'?" }
            throw TemplateError.runtime(m)
        }
        let prepostfix = try a.get("decoration").map { try $0.pythonString() } ?? styleParams["decoration"]!
        let trimmed = String(prepostfix.reversed().drop(while: { $0.isWhitespace }).reversed())
        var p: [String: Value] = [
            "newline": "\n", "beginning": "", "prefix": .string(trimmed), "prefix_count": 1, "decoration": "",
            "postfix": .string(trimmed), "postfix_count": 1, "end": "",
        ]
        for (k, v) in styleParams { p[k] = .string(v) }
        for (k, v) in a.named { p[k] = v }
        func s(_ k: String) throws -> String { try p[k]?.pythonString() ?? "" }
        func n(_ k: String) throws -> Int {
            guard let v = p[k], let i = v.intValue ?? (try? v.pythonString()).flatMap({ Int($0) }) else {
                throw TemplateError.type("comment: \(k) must be an integer")
            }
            return max(0, i)
        }
        let newline = try s("newline")
        let decoration = try s("decoration")
        var out = ""
        if let b = p["beginning"], try b.truthy() { out += try b.pythonString() + newline }
        if let prefix = p["prefix"], try prefix.truthy() {
            let pre = try prefix.pythonString()
            out += String(repeating: pre == newline ? newline : pre + newline, count: try n("prefix_count"))
        }
        let strippedDecoration = String(decoration.reversed().drop(while: { $0.isWhitespace }).reversed())
        out += (decoration + text.replacingOccurrences(of: newline, with: newline + decoration))
            .replacingOccurrences(of: decoration + newline, with: strippedDecoration + newline)
        let postfix = try s("postfix")
        out += String(repeating: newline + postfix, count: try n("postfix_count"))
        if let e = p["end"], try e.truthy() { out += newline + (try e.pythonString()) }
        return .string(out)
    }

    /// `uuid.uuid5(namespace, name)` as text.
    static func uuid5(namespace: String, name: String) throws -> String {
        var hex = namespace.lowercased()
        if hex.hasPrefix("urn:uuid:") { hex.removeFirst(9) }
        hex = hex.filter { $0 != "-" && $0 != "{" && $0 != "}" }
        let digits = Array(hex.utf8).compactMap { c -> UInt8? in
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            default: return nil
            }
        }
        guard digits.count == 32, hex.utf8.count == 32 else {
            throw TemplateError.runtime("to_uuid: invalid value '\(namespace)' for 'namespace': not a UUID")
        }
        var bytes = stride(from: 0, to: 32, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
        bytes += Array(name.utf8)
        var d = Array(Insecure.SHA1.hash(data: bytes).prefix(16))
        d[6] = (d[6] & 0x0f) | 0x50
        d[8] = (d[8] & 0x3f) | 0x80
        let h = d.map { String(format: "%02x", $0) }.joined()
        let c = Array(h)
        return [c[0..<8], c[8..<12], c[12..<16], c[16..<20], c[20..<32]].map { String($0) }.joined(separator: "-")
    }

    static let sizeRanges: [(Character, Double)] = [
        ("Y", 0x1p80), ("Z", 0x1p70), ("E", 0x1p60), ("P", 0x1p50), ("T", 0x1p40), ("G", 0x1p30), ("M", 0x1p20),
        ("K", 0x1p10), ("B", 1),
    ]

    /// ansible's `bytes_to_human`.
    static func humanReadable(_ size: Double, isBits: Bool, unit: String?) -> String {
        let base = isBits ? "bits" : "Bytes"
        var chosen = sizeRanges[sizeRanges.count - 1]
        for r in sizeRanges {
            if let unit {
                if unit.uppercased().first == r.0 {
                    chosen = r
                    break
                }
            } else if size >= r.1 {
                chosen = r
                break
            }
        }
        let suffix = chosen.1 != 1 ? "\(chosen.0)\(base.first!)" : base
        return String(format: "%.2f", size / chosen.1) + " " + suffix
    }

    /// ansible's `human_to_bytes`: `'1.5 MB'` → 1572864; a lone `B`/`b` means bytes.
    static func humanToBytes(_ text: String, defaultUnit: String?, isBits: Bool) throws -> Int {
        let bad = "human_to_bytes() can't interpret following string: \(text)"
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count, scalars[i] == "." || ("0"..."9").contains(scalars[i]) { i += 1 }
        let number = String(String.UnicodeScalarView(scalars[..<i]))
        guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1, !number.hasSuffix("."),
            let num = Double(number)
        else { throw TemplateError.runtime(bad) }
        while i < scalars.count, scalars[i].properties.isWhitespace { i += 1 }
        var j = i
        while j < scalars.count, scalars[j].isASCII, scalars[j].properties.isAlphabetic { j += 1 }
        var rest = j
        while rest < scalars.count, scalars[rest].properties.isWhitespace { rest += 1 }
        guard rest == scalars.count else { throw TemplateError.runtime(bad) }
        let given = String(String.UnicodeScalarView(scalars[i..<j]))
        guard let unit = given.isEmpty ? defaultUnit : given else {
            return Int(num.rounded(.toNearestOrEven))
        }
        guard let key = unit.uppercased().first, let limit = sizeRanges.first(where: { $0.0 == key })?.1 else {
            throw TemplateError.runtime(
                "human_to_bytes() failed to convert \(text) (unit = \(unit)). The suffix must be one of "
                    + sizeRanges.map { String($0.0) }.joined(separator: ", "))
        }
        if unit.count > 1 {
            let names = [
                "B": ("byte", "B", "bit", "b"), "K": ("kilobyte", "KB", "kilobit", "Kb"),
                "M": ("megabyte", "MB", "megabit", "Mb"), "G": ("gigabyte", "GB", "gigabit", "Gb"),
                "T": ("terabyte", "TB", "terabit", "Tb"), "P": ("petabyte", "PB", "petabit", "Pb"),
                "E": ("exabyte", "EB", "exabit", "Eb"), "Z": ("zetabyte", "ZB", "zetabit", "Zb"),
                "Y": ("yottabyte", "YB", "yottabit", "Yb"),
            ][String(key)]!
            let (word, abbrev) = isBits ? (names.2, names.3) : (names.0, names.1)
            if unit.lowercased() != word && unit != abbrev {
                let cls = isBits ? "b" : "B"
                let expect =
                    key == "B" ? "expect \(cls) or \(isBits ? "bit" : "byte")" : "expect \(key)\(cls) or \(key)"
                throw TemplateError.runtime(
                    "human_to_bytes() failed to convert \(text). Value is not a valid string (\(expect))")
            }
        }
        let bytes = (num * limit).rounded(.toNearestOrEven)
        guard let result = Int(exactly: bytes) else {
            throw TemplateError.runtime("human_to_bytes(): \(text) is too large")
        }
        return result
    }

    /// `urllib.parse.unquote_plus`: `+` is a space, `%XX` a UTF-8 byte.
    static func unquotePlus(_ s: String) -> String {
        var bytes: [UInt8] = []
        let src = Array(s.utf8)
        var i = 0
        while i < src.count {
            let c = src[i]
            if c == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if c == UInt8(ascii: "%"), i + 2 < src.count, src[(i + 1)...(i + 2)].allSatisfy(isHexDigit),
                let b = UInt8(String(decoding: src[(i + 1)...(i + 2)], as: UTF8.self), radix: 16)
            {
                bytes.append(b)
                i += 2
            } else {
                bytes.append(c)
            }
            i += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(c)
    }
}
