/// A URL split as Python's `urllib.parse.urlsplit` does (what Ansible's `urlsplit` filter and
/// `uri`/`url` tests see), without Foundation's stricter parsing.
struct URLParts {
    var scheme = ""
    var netloc = ""
    var path = ""
    var query = ""
    var fragment = ""

    init(_ input: String) throws {
        var url = Substring(input.drop { $0.unicodeScalars.allSatisfy { $0.value <= 0x20 } })
        url = Substring(url.filter { $0 != "\t" && $0 != "\r" && $0 != "\n" })
        if let colon = url.firstIndex(of: ":"), colon != url.startIndex, let first = url.first,
            first.isASCII, first.isLetter,
            url[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        {
            scheme = url[..<colon].lowercased()
            url = url[url.index(after: colon)...]
        }
        if url.hasPrefix("//") {
            let rest = url.dropFirst(2)
            let end = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
            netloc = String(rest[..<end])
            url = rest[end...]
            if netloc.contains("[") != netloc.contains("]") { throw TemplateError.runtime("Invalid IPv6 URL") }
        }
        if let hash = url.firstIndex(of: "#") {
            fragment = String(url[url.index(after: hash)...])
            url = url[..<hash]
        }
        if let q = url.firstIndex(of: "?") {
            query = String(url[url.index(after: q)...])
            url = url[..<q]
        }
        path = String(url)
    }

    private var userinfo: (String, String?)? {
        guard let at = netloc.lastIndex(of: "@") else { return nil }
        let info = netloc[..<at]
        guard let colon = info.firstIndex(of: ":") else { return (String(info), nil) }
        return (String(info[..<colon]), String(info[info.index(after: colon)...]))
    }

    private var hostAndPort: (String, String?) {
        let hostinfo = netloc.lastIndex(of: "@").map { netloc[netloc.index(after: $0)...] } ?? netloc[...]
        var host: Substring
        var port: Substring
        if let open = hostinfo.firstIndex(of: "[") {
            let bracketed = hostinfo[hostinfo.index(after: open)...]
            let close = bracketed.firstIndex(of: "]") ?? bracketed.endIndex
            host = bracketed[..<close]
            let after = close < bracketed.endIndex ? bracketed[bracketed.index(after: close)...] : ""
            port = after.firstIndex(of: ":").map { after[after.index(after: $0)...] } ?? ""
        } else if let colon = hostinfo.firstIndex(of: ":") {
            host = hostinfo[..<colon]
            port = hostinfo[hostinfo.index(after: colon)...]
        } else {
            host = hostinfo
            port = ""
        }
        return (String(host), port.isEmpty ? nil : String(port))
    }

    var hostname: String? {
        let h = hostAndPort.0
        return h.isEmpty ? nil : h.lowercased()
    }

    func port() throws -> Int? {
        guard let p = hostAndPort.1 else { return nil }
        guard p.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(p) else {
            throw TemplateError.runtime("Port could not be cast to integer value as '\(p)'")
        }
        guard (0...65535).contains(n) else { throw TemplateError.runtime("Port out of range 0-65535") }
        return n
    }

    /// The components in the order Ansible lists them (alphabetical, from `dir()`).
    func dictionary() throws -> ValueDict {
        func opt(_ s: String?) -> Value { s.map { .string($0) } ?? .none }
        return ValueDict([
            ("fragment", .string(fragment)), ("hostname", opt(hostname)), ("netloc", .string(netloc)),
            ("password", opt(userinfo?.1)), ("path", .string(path)), ("port", try port().map { .int($0) } ?? .none),
            ("query", .string(query)), ("scheme", .string(scheme)), ("username", opt(userinfo?.0)),
        ])
    }
}
