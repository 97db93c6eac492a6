/// Python's `datetime.timedelta`: what subtracting two datetimes gives (`(b - a).days`).
final class TimeDeltaObject: ValueObject {
    static let microsPerDay = 86_400_000_000

    let micros: Int
    var key: Int { micros }

    /// Python normalizes to days (any sign), then seconds in 0..<86400 and microseconds in 0..<1000000.
    var days: Int { TimeDeltaObject.floorDiv(micros, TimeDeltaObject.microsPerDay) }
    var seconds: Int { (micros - days * TimeDeltaObject.microsPerDay) / 1_000_000 }
    var microseconds: Int { (micros - days * TimeDeltaObject.microsPerDay) % 1_000_000 }

    /// Held in an Int: about 290000 years either way, more than datetimes (years 1 to 9999) can differ by.
    init(micros: Int) {
        self.micros = micros
    }

    static func floorDiv(_ x: Int, _ y: Int) -> Int {
        let q = x / y
        return (x % y != 0) && ((x < 0) != (y < 0)) ? q - 1 : q
    }

    var typeName: String { "datetime.timedelta" }

    /// `1 day, 2:03:04`, `-1 day, 23:59:59`, `0:00:00.500000`.
    var stringValue: String {
        let s = seconds
        var out = "\(s / 3600):" + Self.pad(s / 60 % 60, 2) + ":" + Self.pad(s % 60, 2)
        if days != 0 { out = "\(days) day\(abs(days) == 1 ? "" : "s"), " + out }
        if microseconds != 0 { out += "." + Self.pad(microseconds, 6) }
        return out
    }

    var repr: String {
        var fields: [String] = []
        if days != 0 { fields.append("days=\(days)") }
        if seconds != 0 { fields.append("seconds=\(seconds)") }
        if microseconds != 0 { fields.append("microseconds=\(microseconds)") }
        return "datetime.timedelta(" + (fields.isEmpty ? "0" : fields.joined(separator: ", ")) + ")"
    }

    func attribute(_ name: String) -> Value? {
        switch name {
        case "days": return .int(days)
        case "seconds": return .int(seconds)
        case "microseconds": return .int(microseconds)
        case "total_seconds":
            return .object(FunctionObject(name: "total_seconds") { [micros] _, _ in .double(Double(micros) / 1e6) })
        default: return nil
        }
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
