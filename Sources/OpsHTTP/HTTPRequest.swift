import Foundation

/// One HTTP request, with the transport settings that apply to it alone.
public struct HTTPRequest: Sendable {
    public enum Redirects: Sendable, Equatable {
        case none
        /// Follow only when the request is a GET or HEAD (Ansible's `safe`).
        case safe
        case all
    }

    public var method: String
    public var url: String
    /// In order; a name may repeat. A value of "" sends the header empty.
    public var headers: [(name: String, value: String)]
    public var body: Data?
    /// Seconds to establish TCP (and TLS); nil: libcurl's default (300 s).
    public var connectTimeout: Double?
    /// Seconds for the whole exchange; nil: no limit.
    public var timeout: Double?
    /// Seconds without a single byte moving before giving up, like a socket read timeout.
    public var idleTimeout: Double?
    public var verifyTLS = true
    /// A PEM bundle of CA certificates to trust instead of the system ones.
    public var caFile: String?
    public var clientCert: String?
    public var clientKey: String?
    public var redirects: Redirects = .safe
    public var maxRedirects = 50
    /// Basic authentication. With `forceBasicAuth` the credentials go with the first request;
    /// otherwise only after the server asks (401), as Ansible's urllib client does.
    public var username: String?
    public var password: String?
    public var forceBasicAuth = false
    public var unixSocket: String?
    public var userAgent: String? = "opsctl-httpget"
    /// Ask for gzip/deflate and hand back the decoded body.
    public var decompress = true
    /// false: ignore http_proxy/https_proxy from the environment.
    public var useProxy = true

    public init(method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
