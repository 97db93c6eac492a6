/// Ansible's host ranges: `web[01:03]` → web01, web02, web03; `db-[a:c]`; `[1:10:2]` strides.
/// Zero-padding of the start is kept, as Ansible does.
public enum HostRange {
    public static func expand(_ pattern: String) throws -> [String] {
        guard let open = pattern.firstIndex(of: "["), let close = pattern[open...].firstIndex(of: "]") else {
            return [pattern]
        }
        let head = String(pattern[..<open])
        let tail = String(pattern[pattern.index(after: close)...])
        let parts = pattern[pattern.index(after: open)..<close].split(separator: ":", omittingEmptySubsequences: false)
            .map(String.init)
        guard parts.count == 2 || parts.count == 3 else {
            throw RangeError("host range \"\(pattern)\" must look like [start:end] or [start:end:step]")
        }
        let (start, end) = (parts[0], parts[1])
        let step = parts.count == 3 ? Int(parts[2]) : 1
        guard let step, step > 0 else { throw RangeError("host range \"\(pattern)\": step must be a positive integer") }
        var items: [String] = []
        if let s = Int(start.isEmpty ? "0" : start), let e = Int(end) {
            guard s <= e else { throw RangeError("host range \"\(pattern)\": start \(s) is after end \(e)") }
            let width = start.count
            for i in stride(from: s, through: e, by: step) {
                var text = String(i)
                if start.hasPrefix("0") && text.count < width {
                    text = String(repeating: "0", count: width - text.count) + text
                }
                items.append(text)
            }
        } else if start.count == 1, end.count == 1, let s = start.unicodeScalars.first, let e = end.unicodeScalars.first,
            s.properties.isAlphabetic, e.properties.isAlphabetic, s.value <= e.value
        {
            for v in stride(from: s.value, through: e.value, by: step) { items.append(String(UnicodeScalar(v)!)) }
        } else {
            throw RangeError("host range \"\(pattern)\": use numbers ([01:10]) or single letters ([a:f])")
        }
        var result: [String] = []
        for item in items {
            for rest in try expand(tail) { result.append(head + item + rest) }
        }
        return result
    }

    public struct RangeError: Error, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = d }
    }
}
