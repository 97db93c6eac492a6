import Foundation

/// What came back: the final response after any redirects.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// The status line's reason phrase ("Not Found"), or the standard one when the server sent
    /// none (HTTP/2).
    public var reason: String
    /// The URL of the final response (differs from the request's after a redirect).
    public var url: String
    /// The final response's headers, in order, names as the server sent them.
    public var headers: [(name: String, value: String)]
    /// `Set-Cookie` headers of every response in the redirect chain, in order.
    public var setCookies: [String]
    public var body: Data
    public var redirectCount: Int
    public var timings: HTTPTimings

    public init(
        status: Int, reason: String, url: String, headers: [(name: String, value: String)], setCookies: [String],
        body: Data,
        redirectCount: Int, timings: HTTPTimings
    ) {
        self.status = status
        self.reason = reason
        self.url = url
        self.headers = headers
        self.setCookies = setCookies
        self.body = body
        self.redirectCount = redirectCount
        self.timings = timings
    }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Seconds from the start of the request to each phase, as libcurl measures them.
public struct HTTPTimings: Sendable, Equatable {
    public var nameLookup: Double
    public var connect: Double
    /// TLS handshake done; 0 for plain HTTP.
    public var tlsHandshake: Double
    public var firstByte: Double
    public var total: Double

    public init(
        nameLookup: Double = 0, connect: Double = 0, tlsHandshake: Double = 0, firstByte: Double = 0,
        total: Double = 0
    ) {
        self.nameLookup = nameLookup
        self.connect = connect
        self.tlsHandshake = tlsHandshake
        self.firstByte = firstByte
        self.total = total
    }
}
