import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Python's `datetime.strptime` (`_strptime.py`) in the C locale: the format becomes the same regular
/// expression Python builds, matched case-insensitively from the start, with Python's error messages.
enum Strptime {
    static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    static let months = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]

    /// The regular expression of each directive, as `_strptime.TimeRE` has them.
    static let patterns: [Character: String] = [
        "d": #"3[0-1]|[1-2]\d|0[1-9]|[1-9]| [1-9]"#,
        "f": #"[0-9]{1,6}"#,
        "H": #"2[0-3]|[0-1]\d|\d"#,
        "I": #"1[0-2]|0[1-9]|[1-9]"#,
        "j": #"36[0-6]|3[0-5]\d|[1-2]\d\d|0[1-9]\d|00[1-9]|[1-9]\d|0[1-9]|[1-9]"#,
        "m": #"1[0-2]|0[1-9]|[1-9]"#,
        "M": #"[0-5]\d|\d"#,
        "S": #"6[0-1]|[0-5]\d|\d"#,
        "U": #"5[0-3]|[0-4]\d|\d"#,
        "W": #"5[0-3]|[0-4]\d|\d"#,
        "w": "[0-6]",
        "u": "[1-7]",
        "y": #"\d\d"#,
        "Y": #"\d\d\d\d"#,
        "A": alternatives(weekdays),
        "a": alternatives(weekdays.map { String($0.prefix(3)) }),
        "B": alternatives(months),
        "b": alternatives(months.map { String($0.prefix(3)) }),
        "p": "am|pm",
    ]
    /// The C locale's `%c`, `%x` and `%X`, which Python expands into other directives.
    static let composites: [Character: String] = ["c": "%a %b %d %H:%M:%S %Y", "x": "%m/%d/%y", "X": "%H:%M:%S"]

    /// Longest first, as Python orders them, so `may` cannot stop `%B` short.
    static func alternatives(_ words: [String]) -> String {
        words.sorted { $0.count > $1.count }.map { NSRegularExpression.escapedPattern(for: $0) }.joined(separator: "|")
    }

    /// The names `%Z` accepts: UTC, GMT and the local zone's (`time.tzname`).
    static func zoneNames() -> [String] {
        tzset()
        let local = [tzname.0, tzname.1].compactMap { $0.map { String(cString: $0).lowercased() } }
        return Array(Set(["utc", "gmt"] + local))
    }

    static func parse(_ string: String, _ format: String) throws -> DateTimeObject {
        var directives: [Character] = []
        let pattern = try regex(format, format, &directives)
        let re: NSRegularExpression
        do {
            re = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        } catch {
            throw TemplateError.runtime("strptime: cannot compile format '\(format)'")
        }
        let ns = string as NSString
        guard let m = re.firstMatch(in: string, options: [.anchored], range: NSRange(location: 0, length: ns.length))
        else {
            throw TemplateError.runtime(
                "ValueError: time data \(try Value.string(string).pythonRepr()) does not match format "
                    + (try Value.string(format).pythonRepr()))
        }
        if m.range.length != ns.length {
            throw TemplateError.runtime("ValueError: unconverted data remains: " + ns.substring(from: m.range.length))
        }
        var found: [Character: String] = [:]
        for (i, d) in directives.enumerated() {
            found[d] = ns.substring(with: m.range(at: i + 1)).lowercased()
        }
        return try build(found)
    }

    /// Python's `TimeRE.pattern`: regex characters escaped, whitespace runs match any whitespace, each
    /// directive a group (recorded in `directives`, in order). A directive used twice is an error, as
    /// Python's "redefinition of group name".
    static func regex(_ format: String, _ whole: String, _ directives: inout [Character]) throws -> String {
        var out = ""
        var chars = Array(format)[...]
        while let c = chars.popFirst() {
            if c.isWhitespace {
                while chars.first?.isWhitespace == true { chars.removeFirst() }
                out += #"\s+"#
                continue
            }
            guard c == "%" else {
                out += NSRegularExpression.escapedPattern(for: String(c))
                continue
            }
            guard let d = chars.popFirst() else {
                throw TemplateError.runtime("ValueError: stray % in format '\(whole)'")
            }
            if d == "%" {
                out += "%"
            } else if let expansion = composites[d] {
                out += try regex(expansion, whole, &directives)
            } else if let p = d == "Z" ? alternatives(zoneNames()) : patterns[d] {
                guard !directives.contains(d) else {
                    throw TemplateError.runtime("strptime: redefinition of group name '\(d)' in format '\(whole)'")
                }
                directives.append(d)
                out += "(" + p + ")"
            } else if d == "z" || d == "G" || d == "V" {
                throw TemplateError.runtime(
                    "strptime: '%\(d)' in format '\(whole)' is not supported (opsctl's datetimes have no time zone "
                        + "nor ISO week dates)")
            } else {
                // Python has escaped regex characters and replaced whitespace before it looks: `%.` is a bad `%`.
                let bad = d.isWhitespace || #"\.^$*+?(){}[]|"#.contains(d) ? "%" : String(d)
                throw TemplateError.runtime("ValueError: '\(bad)' is a bad directive in format '\(whole)'")
            }
        }
        return out
    }

    /// `_strptime`'s second half: fields from the matched text, defaults (1900-01-01 00:00), then the date
    /// from the day of the year or the week number when given.
    static func build(_ found: [Character: String]) throws -> DateTimeObject {
        func int(_ d: Character) -> Int? { found[d].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        var year = int("Y") ?? 1900
        if let y = int("y") { year = y <= 68 ? 2000 + y : 1900 + y }
        var month = int("m") ?? 1
        if let b = found["B"] { month = (months.firstIndex(of: b) ?? 0) + 1 }
        if let b = found["b"] { month = (months.firstIndex { $0.hasPrefix(b) } ?? 0) + 1 }
        var day = int("d") ?? 1
        var hour = int("H") ?? 0
        if let h = int("I") {
            let pm = found["p"] == "pm"
            hour = pm ? (h == 12 ? 12 : h + 12) : (h == 12 ? 0 : h)
        }
        let fraction = found["f"].map { Int($0 + String(repeating: "0", count: 6 - $0.count))! } ?? 0
        var weekday: Int? = int("w").map { ($0 + 6) % 7 } ?? int("u").map { $0 - 1 }
        if let a = found["A"] { weekday = weekdays.firstIndex(of: a) }
        if let a = found["a"] { weekday = weekdays.firstIndex { $0.hasPrefix(a) } }

        var julian = int("j")
        if julian == nil, let weekday, let week = int("U") ?? int("W") {
            let mondayFirst = found["W"] != nil
            var first = try DateTimeObject(year: year, month: 1, day: 1).weekday
            var dow = weekday
            if !mondayFirst {
                first = (first + 1) % 7
                dow = (dow + 1) % 7
            }
            julian = week == 0 ? 1 + dow - first : 1 + (7 - first) % 7 + 7 * (week - 1) + dow
            if julian! <= 0 {
                year -= 1
                julian! += DateTimeObject.isLeap(year) ? 366 : 365
            }
        }
        if let julian {
            let start = try DateTimeObject(year: year, month: 1, day: 1).ordinal
            (year, month, day) = DateTimeObject.civil(fromOrdinal: start + julian - 1)
        }
        return try DateTimeObject(
            year: year, month: month, day: day, hour: hour, minute: int("M") ?? 0, second: int("S") ?? 0,
            microsecond: fraction)
    }
}
