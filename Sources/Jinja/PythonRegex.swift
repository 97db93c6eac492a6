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

    /// Expands a Python replacement template (`\1`, `\g<1>`, `\g<name>`, `\n`) for one match.
    static func expand(_ template: String, match: NSTextCheckingResult, in s: NSString, regex: NSRegularExpression)
        -> String
    {
        var out = ""
        let cs = Array(template)
        var i = 0
        func group(_ n: Int) -> String {
            guard n <= match.numberOfRanges - 1 else { return "" }
            let r = match.range(at: n)
            return r.location == NSNotFound ? "" : s.substring(with: r)
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
                    out += group(Int(digits) ?? 0)
                    i += 2
                    continue
                }
                if n == "g", i + 2 < cs.count, cs[i + 2] == "<", let close = cs[(i + 3)...].firstIndex(of: ">") {
                    let name = String(cs[(i + 3)..<close])
                    if let num = Int(name) {
                        out += group(num)
                    } else {
                        let r = match.range(withName: name)
                        out += r.location == NSNotFound ? "" : s.substring(with: r)
                    }
                    i = close + 1
                    continue
                }
                switch n {
                case "n": out += "\n"
                case "t": out += "\t"
                case "r": out += "\r"
                case "\\": out += "\\"
                default: out += "\\" + String(n)
                }
                i += 2
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    static func replace(
        _ s: String, pattern: String, replacement: String, ignoreCase: Bool, multiline: Bool,
        count: Int
    ) throws -> String {
        let regex = try compile(pattern, ignoreCase: ignoreCase, multiline: multiline)
        let ns = s as NSString
        var out = ""
        var last = 0
        var n = 0
        for m in regex.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
            if count > 0 && n >= count { break }
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            out += expand(replacement, match: m, in: ns, regex: regex)
            last = m.range.location + m.range.length
            n += 1
        }
        out += ns.substring(from: last)
        return out
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
