/// A request that got no HTTP response: the URL, libcurl's error code and its own message
/// (from CURLOPT_ERRORBUFFER, which names the host, port and reason, unlike the generic
/// `curl_easy_strerror` text). An HTTP status, even 500, is a response, not an error.
public struct HTTPError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// DNS, TCP connect or refused connection: nothing is listening yet.
        case connect
        case timeout
        /// Certificate verification or handshake failure.
        case tls
        /// A request the client would not send (bad URL, scheme other than http/https, bad option).
        case invalidRequest
        case failure
    }

    public var kind: Kind
    public var method: String
    public var url: String
    /// libcurl's CURLcode (0 when the failure happened before libcurl ran).
    public var code: Int
    public var message: String

    public init(_ kind: Kind, method: String, url: String, code: Int, message: String) {
        self.kind = kind
        self.method = method
        self.url = url
        self.code = code
        self.message = message
    }

    public var description: String {
        "\(method) \(url): \(message)" + (code == 0 ? "" : " (curl error \(code))")
    }
}
