/// Python `str` algorithms that differ from Foundation's (whitespace split, strip sets, title case).
enum PyString {
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 9...13, 28...32, 0x85, 0xa0, 0x1680, 0x2000...0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000: return true
        default: return false
        }
    }

    static func split(_ s: String, sep: String?, maxsplit: Int) -> [String] {
        guard let sep else {
            var parts: [String] = []
            var current = String.UnicodeScalarView()
            var splits = 0
            var scalars = s.unicodeScalars[...]
            while let c = scalars.first {
                if isSpace(c) {
                    if !current.isEmpty {
                        parts.append(String(current))
                        current = String.UnicodeScalarView()
                        splits += 1
                        if maxsplit >= 0 && splits >= maxsplit {
                            let rest = scalars.drop(while: { isSpace($0) })
                            if !rest.isEmpty { parts.append(String(String.UnicodeScalarView(rest))) }
                            return parts
                        }
                    }
                } else {
                    current.append(c)
                }
                scalars = scalars.dropFirst()
            }
            if !current.isEmpty { parts.append(String(current)) }
            return parts
        }
        if sep.isEmpty { return [s] }
        let hay = Array(s.utf8)
        let n = sep.utf8.count
        var parts: [String] = []
        var pos = 0
        for h in occurrences(of: Array(sep.utf8), in: hay, limit: maxsplit) {
            parts.append(String(decoding: hay[pos..<h], as: UTF8.self))
            pos = h + n
        }
        parts.append(String(decoding: hay[pos...], as: UTF8.self))
        return parts
    }

    static func rsplit(_ s: String, sep: String?, maxsplit: Int) -> [String] {
        if maxsplit < 0 { return split(s, sep: sep, maxsplit: -1) }
        guard let sep else {
            let reversed = String(String.UnicodeScalarView(s.unicodeScalars.reversed()))
            return split(reversed, sep: nil, maxsplit: maxsplit).reversed().map {
                String(String.UnicodeScalarView($0.unicodeScalars.reversed()))
            }
        }
        var parts: [String] = []
        var rest = s[...]
        while parts.count < maxsplit, let r = rest.range(of: sep, options: .backwards) {
            parts.insert(String(rest[r.upperBound...]), at: 0)
            rest = rest[..<r.lowerBound]
        }
        parts.insert(String(rest), at: 0)
        return parts
    }

    static func splitlines(_ s: String, keepends: Bool) -> [String] {
        // Fast path: ASCII text whose only line breaks are `\n`.
        if s.utf8.allSatisfy({ $0 < 0x80 && $0 != 13 && ($0 < 11 || $0 > 12) && ($0 < 28 || $0 > 30) }) {
            var lines = s.split(separator: "\n", omittingEmptySubsequences: false).map {
                keepends ? String($0) + "\n" : String($0)
            }
            if let last = lines.last, last.isEmpty || last == "\n" {
                lines.removeLast()
            } else if keepends, !lines.isEmpty {
                lines[lines.count - 1].removeLast()
            }
            return lines
        }
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        let scalars = Array(s.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            switch c.value {
            case 10, 11, 12, 13, 28, 29, 30, 0x85, 0x2028, 0x2029:
                var end = String.UnicodeScalarView([c])
                if c.value == 13 && i + 1 < scalars.count && scalars[i + 1].value == 10 {
                    end.append(scalars[i + 1])
                    i += 1
                }
                if keepends { current.append(contentsOf: end) }
                lines.append(String(current))
                current = String.UnicodeScalarView()
            default:
                current.append(c)
            }
            i += 1
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }

    static func strip(_ s: String, chars: String?, left: Bool, right: Bool) -> String {
        let set = chars.map { Set($0.unicodeScalars) }
        let drop: (Unicode.Scalar) -> Bool = { c in set?.contains(c) ?? isSpace(c) }
        var v = s.unicodeScalars[...]
        if left { v = v.drop(while: drop) }
        if right {
            while let l = v.last, drop(l) { v = v.dropLast() }
        }
        return String(String.UnicodeScalarView(v))
    }

    /// Byte offsets of the non-overlapping occurrences of `needle` in `haystack` (UTF-8 matching is exact
    /// code point matching, and much faster than Foundation's locale-aware search).
    static func occurrences(of needle: [UInt8], in haystack: [UInt8], limit: Int = -1) -> [Int] {
        guard !needle.isEmpty, needle.count <= haystack.count else { return [] }
        var found: [Int] = []
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        outer: while i <= last {
            if haystack[i] == first {
                var k = 1
                while k < needle.count {
                    if haystack[i + k] != needle[k] {
                        i += 1
                        continue outer
                    }
                    k += 1
                }
                found.append(i)
                if limit >= 0 && found.count >= limit { break }
                i += needle.count
            } else {
                i += 1
            }
        }
        return found
    }

    static func replace(_ s: String, _ old: String, _ new: String, count: Int) -> String {
        if old.isEmpty {
            guard count != 0 else { return s }
            var r = new
            var n = 1
            for c in s.unicodeScalars {
                r.unicodeScalars.append(c)
                if count < 0 || n < count {
                    r += new
                    n += 1
                }
            }
            return r
        }
        let hay = Array(s.utf8)
        let hits = occurrences(of: Array(old.utf8), in: hay, limit: count)
        if hits.isEmpty { return s }
        var out: [UInt8] = []
        out.reserveCapacity(hay.count + hits.count * max(0, new.utf8.count - old.utf8.count))
        var pos = 0
        let newBytes = Array(new.utf8)
        for h in hits {
            out.append(contentsOf: hay[pos..<h])
            out.append(contentsOf: newBytes)
            pos = h + old.utf8.count
        }
        out.append(contentsOf: hay[pos...])
        return String(decoding: out, as: UTF8.self)
    }

    /// Python's `str.title()`: a letter after a non-letter is upper-cased, the others lower-cased.
    static func title(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var prevCased = false
        for c in s.unicodeScalars {
            let isLetter = c.properties.isAlphabetic
            if isLetter {
                out.append(contentsOf: (prevCased ? String(c).lowercased() : String(c).uppercased()).unicodeScalars)
            } else {
                out.append(c)
            }
            prevCased = isLetter
        }
        return String(out)
    }

    static func capitalize(_ s: String) -> String {
        guard let f = s.unicodeScalars.first else { return s }
        return String(f).uppercased() + String(String.UnicodeScalarView(s.unicodeScalars.dropFirst())).lowercased()
    }
}
