import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// C's `strftime`, which Python's `time.strftime` and `datetime.strftime` both end in: one formatter for
/// Ansible's `strftime` filter and for datetime objects, so `%b`, `%e` or `%s` agree with Python on this libc.
public enum Strftime {
    /// Formats broken-down time; the buffer grows for long outputs (C returns 0 when it is too small).
    public static func format(_ format: String, _ parts: tm) -> String {
        var parts = parts
        var size = 256
        while size <= 65536 {
            var buffer = [CChar](repeating: 0, count: size)
            let n = Foundation.strftime(&buffer, size, format, &parts)
            if n > 0 || format.isEmpty { return String(cString: buffer) }
            size *= 4
        }
        return ""
    }

    /// Python's `time.strftime(format, localtime(seconds))`, or `gmtime(seconds)` with `utc`.
    public static func format(_ format: String, epochSeconds seconds: Double, utc: Bool) -> String {
        var t = time_t(seconds.rounded(.down))
        var parts = tm()
        if utc { gmtime_r(&t, &parts) } else { localtime_r(&t, &parts) }
        return Strftime.format(format, parts)
    }
}
