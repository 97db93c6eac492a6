import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Python's `datetime.datetime`, naive as Ansible's `now()` and `to_datetime` make them: no time zone,
/// years 1 to 9999, microsecond precision.
final class DateTimeObject: ValueObject {
    static let microsPerDay = TimeDeltaObject.microsPerDay
    /// 9999-12-31 23:59:59.999999, Python's `datetime.max`.
    static let maxMicros = ordinal(9999, 12, 31) * microsPerDay - 1

    /// Microseconds since 0001-01-01 00:00:00: differences and comparisons are integer arithmetic.
    let micros: Int
    let year: Int
    let month: Int
    let day: Int
    var key: Int { micros }
    var hour: Int { micros % DateTimeObject.microsPerDay / 3_600_000_000 }
    var minute: Int { micros % 3_600_000_000 / 60_000_000 }
    var second: Int { micros % 60_000_000 / 1_000_000 }
    var microsecond: Int { micros % 1_000_000 }
    /// Python's `toordinal()`: 0001-01-01 is day 1.
    var ordinal: Int { micros / DateTimeObject.microsPerDay + 1 }
    /// Monday is 0, as Python's `weekday()`.
    var weekday: Int { (ordinal + 6) % 7 }

    /// Nil when out of Python's range (its OverflowError "date value out of range").
    init?(micros: Int) {
        guard micros >= 0 && micros <= DateTimeObject.maxMicros else { return nil }
        self.micros = micros
        (year, month, day) = DateTimeObject.civil(fromOrdinal: micros / DateTimeObject.microsPerDay + 1)
    }

    /// Python's `datetime(year, month, day, ...)`, with its range checks and messages.
    convenience init(
        year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0
    ) throws {
        guard (1...9999).contains(year) else { throw TemplateError.runtime("ValueError: year \(year) is out of range") }
        guard (1...12).contains(month) else { throw TemplateError.runtime("ValueError: month must be in 1..12") }
        guard day >= 1 && day <= DateTimeObject.daysIn(year, month) else {
            throw TemplateError.runtime("ValueError: day is out of range for month")
        }
        for (value, name, limit) in [
            (hour, "hour", 23), (minute, "minute", 59), (second, "second", 59), (microsecond, "microsecond", 999_999),
        ] where !(0...limit).contains(value) {
            throw TemplateError.runtime("ValueError: \(name) must be in 0..\(limit)")
        }
        let time = ((hour * 60 + minute) * 60 + second) * 1_000_000 + microsecond
        self.init(micros: (DateTimeObject.ordinal(year, month, day) - 1) * DateTimeObject.microsPerDay + time)!
    }

    /// The current time from the clock, local or UTC: Ansible's `now()`.
    static func now(utc: Bool) -> DateTimeObject {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var t = tv.tv_sec
        var parts = tm()
        if utc { gmtime_r(&t, &parts) } else { localtime_r(&t, &parts) }
        // A leap second (tm_sec 60) is folded into 59, as Python does.
        return try! DateTimeObject(
            year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
            hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: min(Int(parts.tm_sec), 59),
            microsecond: Int(tv.tv_usec))
    }

    var typeName: String { "datetime.datetime" }

    /// `2024-01-02 03:04:05`, with `.123456` when there are microseconds.
    var stringValue: String { isoformat(separator: " ", timespec: "auto")! }

    var repr: String {
        var fields = [year, month, day, hour, minute]
        if microsecond != 0 {
            fields += [second, microsecond]
        } else if second != 0 {
            fields.append(second)
        }
        return "datetime.datetime(" + fields.map(String.init).joined(separator: ", ") + ")"
    }

    /// Python's `isoformat(sep, timespec)`; nil for an unknown timespec.
    func isoformat(separator: String, timespec: String) -> String? {
        let pad = TimeDeltaObject.pad
        let date = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + separator
        let hm = pad(hour, 2) + ":" + pad(minute, 2)
        let hms = hm + ":" + pad(second, 2)
        switch timespec {
        case "auto": return date + hms + (microsecond == 0 ? "" : "." + pad(microsecond, 6))
        case "hours": return date + pad(hour, 2)
        case "minutes": return date + hm
        case "seconds": return date + hms
        case "milliseconds": return date + hms + "." + pad(microsecond / 1000, 3)
        case "microseconds": return date + hms + "." + pad(microsecond, 6)
        default: return nil
        }
    }

    /// The C `struct tm` Python's `timetuple()` gives: no DST information (`tm_isdst` -1).
    var brokenDown: tm {
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        parts.tm_wday = Int32((weekday + 1) % 7)
        parts.tm_yday = Int32(ordinal - DateTimeObject.ordinal(year, 1, 1))
        parts.tm_isdst = -1
        return parts
    }

    /// Python's `datetime.strftime`: `%f` is the microseconds and `%z`/`%Z` are empty (a naive datetime);
    /// everything else goes to C's strftime.
    func strftime(_ format: String) -> String {
        var out = ""
        var chars = format.makeIterator()
        while let c = chars.next() {
            guard c == "%" else {
                out.append(c)
                continue
            }
            guard let d = chars.next() else {
                out.append("%")
                break
            }
            switch d {
            case "f": out += TimeDeltaObject.pad(microsecond, 6)
            case "z", "Z": break
            default: out += "%" + String(d)
            }
        }
        return Strftime.format(out, brokenDown)
    }

    /// Python's `timestamp()` of a naive datetime: read as local time.
    func timestamp() -> Double {
        var parts = brokenDown
        return Double(mktime(&parts)) + Double(microsecond) / 1e6
    }

    func attribute(_ name: String) -> Value? {
        switch name {
        case "year": return .int(year)
        case "month": return .int(month)
        case "day": return .int(day)
        case "hour": return .int(hour)
        case "minute": return .int(minute)
        case "second": return .int(second)
        case "microsecond": return .int(microsecond)
        case "tzinfo": return Value.none
        case "fold": return .int(0)
        case "strftime":
            return method(name) { a in
                let arg = a.get(0, "format") ?? Value.none
                guard case .string(let format) = arg else {
                    throw TemplateError.type("strftime() argument 1 must be str, not \(arg.typeName)")
                }
                return .string(self.strftime(format))
            }
        case "isoformat":
            return method(name) { a in
                let sep = try a.string(0, "sep", default: "T")!
                let spec = try a.string(1, "timespec", default: "auto")!
                guard let s = self.isoformat(separator: sep, timespec: spec) else {
                    throw TemplateError.runtime("ValueError: Unknown timespec value")
                }
                return .string(s)
            }
        case "timestamp": return method(name) { _ in .double(self.timestamp()) }
        case "weekday": return method(name) { _ in .int(self.weekday) }
        case "isoweekday": return method(name) { _ in .int(self.weekday + 1) }
        case "toordinal": return method(name) { _ in .int(self.ordinal) }
        case "replace": return method(name) { a in .object(try self.replacing(a)) }
        default: return nil
        }
    }

    func method(_ name: String, _ body: @escaping (Arguments) throws -> Value) -> Value {
        .object(FunctionObject(name: name) { a, _ in try body(a) })
    }

    /// Python's `replace(year=, month=, ...)`: the fields given change, the rest stay.
    func replacing(_ a: Arguments) throws -> DateTimeObject {
        let names = ["year", "month", "day", "hour", "minute", "second", "microsecond"]
        try a.checkNames(names, callee: "replace")
        let current = [year, month, day, hour, minute, second, microsecond]
        var f: [Int] = []
        for (i, name) in names.enumerated() {
            guard let v = a.get(i, name) else {
                f.append(current[i])
                continue
            }
            guard let n = v.intValue else {
                throw TemplateError.type("'\(v.typeName)' object cannot be interpreted as an integer")
            }
            f.append(n)
        }
        return try DateTimeObject(
            year: f[0], month: f[1], day: f[2], hour: f[3], minute: f[4], second: f[5], microsecond: f[6])
    }

    static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    static func daysIn(_ year: Int, _ month: Int) -> Int {
        month == 2 ? (isLeap(year) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Python's `date.toordinal()` (proleptic Gregorian, 0001-01-01 is 1).
    static func ordinal(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = year - 1
        var days = y * 365 + y / 4 - y / 100 + y / 400
        for m in 1..<month { days += daysIn(year, m) }
        return days + day
    }

    /// Python's `date.fromordinal()`, by Howard Hinnant's civil-from-days.
    static func civil(fromOrdinal n: Int) -> (Int, Int, Int) {
        let z = n - 1 + 306  // days since 0000-03-01
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
