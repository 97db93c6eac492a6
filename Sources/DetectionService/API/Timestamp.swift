import Foundation

/// Cheap ISO 8601 checks and conversions; the detect path validates up to 100,000 timestamps
/// per request, where a formatter per value would dominate the run time.
enum Timestamp {
    /// `YYYY-MM-DD`, optionally `THH:MM[:SS[.fff]]` and `Z` or `±HH[:]MM` (a space may replace `T`).
    static func isISO8601(_ s: String) -> Bool {
        var u = s.utf8[...]
        guard u.count <= 64 else { return false }
        func digits(_ n: Int) -> Bool {
            guard u.count >= n, u.prefix(n).allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
            u = u.dropFirst(n)
            return true
        }
        func char(_ c: Character) -> Bool {
            guard u.first == c.asciiValue else { return false }
            u = u.dropFirst()
            return true
        }
        guard digits(4), char("-"), digits(2), char("-"), digits(2) else { return false }
        if u.isEmpty { return true }
        guard char("T") || char("t") || char(" "), digits(2), char(":"), digits(2) else { return false }
        if char(":") {
            guard digits(2) else { return false }
            if char(".") || char(",") {
                var n = 0
                while let c = u.first, c >= 48 && c <= 57 {
                    u = u.dropFirst()
                    n += 1
                }
                guard n > 0 else { return false }
            }
        }
        if u.isEmpty || (u.count == 1 && (char("Z") || char("z"))) { return true }
        guard char("+") || char("-"), digits(2) else { return false }
        _ = char(":")
        return digits(2) && u.isEmpty
    }

    /// For the `since` filter: an ISO 8601 date or date-time (UTC if no zone), or seconds since 1970.
    static func milliseconds(from text: String) -> Int64? {
        if let seconds = Double(text), seconds.isFinite, abs(seconds) < 1e11 {
            return Int64((seconds * 1000).rounded())
        }
        guard isISO8601(text) else { return nil }
        var t = text.replacingOccurrences(of: " ", with: "T")
        if t.count == 10 { t += "T00:00:00Z" }
        if t.count == 16 { t += ":00" }
        let last = t.last!
        if !(last == "Z" || last == "z") && !t.dropFirst(10).contains(where: { $0 == "+" || $0 == "-" }) { t += "Z" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions =
            t.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        guard let date = formatter.date(from: t) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// `2026-11-24T09:45:35.123Z`.
    static func iso8601(milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds.quotientAndRemainder(dividingBy: 1000).quotient)
        var ms = Int(milliseconds % 1000)
        if ms < 0 {
            ms += 1000
            seconds -= 1
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ v: Int32, _ w: Int) -> String { String(v).leftPadded(to: w) }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(String(ms).leftPadded(to: 3))Z"
    }
}
