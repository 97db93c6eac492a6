import CCurl
import Foundation

/// Where libcurl's callbacks put one response while it arrives. Only the final response's
/// headers are kept (each status line starts a new set: redirects, 401 challenges, 100
/// Continue), but cookies from every hop are, as a cookie jar would.
final class ResponseCollector {
    var body = Data()
    var headers: [(name: String, value: String)] = []
    var setCookies: [String] = []
    /// The final status line's reason phrase ("Not Found"); HTTP/2 sends none.
    var reason = ""
}

/// CURLOPT_WRITEFUNCTION: appends body bytes.
let collectBody: ccurl_data_callback = { data, size, count, userdata in
    let n = size * count
    guard let data, let userdata else { return n }
    let collector = Unmanaged<ResponseCollector>.fromOpaque(userdata).takeUnretainedValue()
    collector.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: n)
    return n
}

/// CURLOPT_HEADERFUNCTION: called once per header line, CRLF included.
let collectHeader: ccurl_data_callback = { data, size, count, userdata in
    let n = size * count
    guard let data, let userdata else { return n }
    let collector = Unmanaged<ResponseCollector>.fromOpaque(userdata).takeUnretainedValue()
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self)
        .trimmingCharacters(in: .newlines)
    if line.hasPrefix("HTTP/") {
        collector.headers = []
        // "HTTP/1.1 404 Not Found": the reason is everything after the code.
        let fields = line.split(separator: " ", maxSplits: 2)
        collector.reason = fields.count == 3 ? String(fields[2]) : ""
    } else if let colon = line.firstIndex(of: ":") {
        let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        collector.headers.append((name, value))
        if name.lowercased() == "set-cookie" { collector.setCookies.append(value) }
    }
    return n
}
