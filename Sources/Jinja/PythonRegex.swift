import Foundation

/// Python `re` patterns and replacement strings on top of ICU (NSRegularExpression). The syntaxes agree
/// except for named groups (`(?P<name>`), named backreferences and replacement templates (`\1`, `\g<name>`).
enum PythonRegex {
    final class Cache: @unchecked Sendable {
        let lock = NSLock()
        var entries: [String: NSRegularExpression] = [:]
    }
    static let cache = Cache()

    static func compile(_ pattern: String, ignoreCase: Bool = false, multiline: Bool = false) throws
        -> NSRegularExpression
    {
        let key = "\(ignoreCase ? 1 : 0)\(multiline ? 1 : 0)\(pattern)"
        cache.lock.lock()
        if let r = cache.entries[key] {
            cache.lock.unlock()
            return r
        }
        cache.lock.unlock()
        var icu = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
        icu = icu.replacingOccurrences(of: #"\(\?P=(\w+)\)"#, with: #"\\k<$1>"#, options: .regularExpression)
        var options: NSRegularExpression.Options = []
        if ignoreCase { options.insert(.caseInsensitive) }
        if multiline { options.insert(.anchorsMatchLines) }
        let r: NSRegularExpression
        do {
            r = try NSRegularExpression(pattern: icu, options: options)
        } catch {
            throw TemplateError.runtime("invalid regular expression '\(pattern)'")
        }
        cache.lock.lock()
        cache.entries[key] = r
        cache.lock.unlock()
        return r
    }

    /// A replacement template parsed once: literal UTF-16 runs and group references.
    enum ReplacementPart {
        case literal([UInt16])
        case group(Int)
        case named(String)
    }

    /// Parses a Python replacement template (`\1`, `\g<1>`, `\g<name>`, `\n`).
    static func parseReplacement(_ template: String) -> [ReplacementPart] {
        var parts: [ReplacementPart] = []
        var literal = ""
        let cs = Array(template)
        var i = 0
        func flush() {
            if !literal.isEmpty { parts.append(.literal(Array(literal.utf16))) }
            literal = ""
        }
        while i < cs.count {
            let c = cs[i]
            if c == "\\" && i + 1 < cs.count {
                let n = cs[i + 1]
                if n.isNumber {
                    var digits = String(n)
                    if i + 2 < cs.count, cs[i + 2].isNumber {
                        digits.append(cs[i + 2])
                        i += 1
                    }
                    flush()
                    parts.append(.group(Int(digits) ?? 0))
                    i += 2
                    continue
                }
                if n == "g", i + 2 < cs.count, cs[i + 2] == "<", let close = cs[(i + 3)...].firstIndex(of: ">") {
                    let name = String(cs[(i + 3)..<close])
                    flush()
                    parts.append(Int(name).map { .group($0) } ?? .named(name))
                    i = close + 1
                    continue
                }
                switch n {
                case "n": literal += "\n"
                case "t": literal += "\t"
                case "r": literal += "\r"
                case "\\": literal += "\\"
                default: literal += "\\" + String(n)
                }
                i += 2
                continue
            }
            literal.append(c)
            i += 1
        }
        flush()
        return parts
    }

    static func replace(
        _ s: String, pattern: String, replacement: String, ignoreCase: Bool, multiline: Bool,
        count: Int
    ) throws -> String {
        let regex = try compile(pattern, ignoreCase: ignoreCase, multiline: multiline)
        let u = Array(s.utf16)
        let matches = regex.matches(in: s, range: NSRange(location: 0, length: u.count))
        if matches.isEmpty { return s }
        let parts = parseReplacement(replacement)
        // Work on UTF-16 offsets directly: NSString substrings cost more than the matching itself.
        var out: [UInt16] = []
        out.reserveCapacity(u.count + 16)
        var last = 0
        var n = 0
        for m in matches {
            if count > 0 && n >= count { break }
            out.append(contentsOf: u[last..<m.range.location])
            for part in parts {
                let r: NSRange
                switch part {
                case .literal(let l):
                    out.append(contentsOf: l)
                    continue
                case .group(let g):
                    guard g < m.numberOfRanges else { continue }
                    r = m.range(at: g)
                case .named(let name):
                    r = m.range(withName: name)
                }
                if r.location != NSNotFound { out.append(contentsOf: u[r.location..<(r.location + r.length)]) }
            }
            last = m.range.location + m.range.length
            n += 1
        }
        out.append(contentsOf: u[last...])
        return String(decoding: out, as: UTF16.self)
    }

    static func firstMatch(
        _ s: String, pattern: String, ignoreCase: Bool = false, multiline: Bool = false,
        anchored: Bool = false
    ) throws -> NSTextCheckingResult? {
        let regex = try compile(pattern, ignoreCase: ignoreCase, multiline: multiline)
        let ns = s as NSString
        let options: NSRegularExpression.MatchingOptions = anchored ? [.anchored] : []
        return regex.firstMatch(in: s, options: options, range: NSRange(location: 0, length: ns.length))
    }
}
