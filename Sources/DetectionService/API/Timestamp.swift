import Foundation

/// Cheap ISO 8601 checks and conversions; the detect path validates up to 100,000 timestamps
/// per request, where a formatter per value would dominate the run time.
enum Timestamp {
    /// `YYYY-MM-DD`, optionally `THH:MM[:SS[.fff]]` and `Z` or `±HH[:]MM` (a space may replace `T`).
    static func isISO8601(_ s: String) -> Bool {
        var copy = s
        return copy.withUTF8 { isISO8601(bytes: $0) }
    }

    static func isISO8601(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.count == 20 && isPlainUTC(bytes) { return true }
        var scan = Scanner(bytes: bytes)
        return scan.isoTimestamp()
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, what nearly every client sends, checked position by position; any
    /// other shape goes to the general scanner, which accepts this one too.
    @inline(__always)
    static func isPlainUTC(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x5A else {
            return false
        }
        func digit(_ j: Int) -> Bool { b[j] &- 0x30 < 10 }
        return digit(0) && digit(1) && digit(2) && digit(3) && digit(5) && digit(6) && digit(8) && digit(9)
            && digit(11) && digit(12) && digit(14) && digit(15) && digit(17) && digit(18)
    }

    /// Byte-level scanning over contiguous UTF-8: no String indexing, no allocation.
    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        var atEnd: Bool { i == bytes.count }

        mutating func digits(_ n: Int) -> Bool {
            guard bytes.count - i >= n else { return false }
            for j in i..<(i + n) where bytes[j] < 0x30 || bytes[j] > 0x39 { return false }
            i += n
            return true
        }

        mutating func char(_ c: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == c else { return false }
            i += 1
            return true
        }

        mutating func isoTimestamp() -> Bool {
            guard bytes.count <= 64 else { return false }
            guard digits(4), char(0x2D), digits(2), char(0x2D), digits(2) else { return false }
            if atEnd { return true }
            // T, t or space; then HH:MM
            guard char(0x54) || char(0x74) || char(0x20), digits(2), char(0x3A), digits(2) else { return false }
            if char(0x3A) {
                guard digits(2) else { return false }
                if char(0x2E) || char(0x2C) {
                    var n = 0
                    while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                        i += 1
                        n += 1
                    }
                    guard n > 0 else { return false }
                }
            }
            if atEnd { return true }
            if char(0x5A) || char(0x7A) { return atEnd }  // Z or z
            guard char(0x2B) || char(0x2D), digits(2) else { return false }
            _ = char(0x3A)
            return digits(2) && atEnd
        }
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
