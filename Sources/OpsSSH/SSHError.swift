/// An SSH failure with the host, the operation that failed, libssh2's error code and message.
/// OpsTransport maps `kind` onto `TransportError`.
public struct SSHError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// TCP connect failed, the connection dropped, or the handshake did not complete.
        case unreachable
        /// Host key unknown, changed or unverifiable.
        case hostKey
        case authentication
        /// An operation did not finish before its deadline.
        case timeout
        /// Anything else: a channel that would not open, a protocol error on one request.
        case failure
    }

    public var kind: Kind
    public var host: String
    public var operation: String
    /// libssh2's error code (negative), an errno (positive), or 0 when neither applies.
    public var code: Int32
    public var message: String

    public init(_ kind: Kind, host: String, operation: String, code: Int32 = 0, message: String) {
        self.kind = kind
        self.host = host
        self.operation = operation
        self.code = code
        self.message = message
    }

    public var description: String {
        let codeText = code == 0 ? "" : " (code \(code))"
        return "\(host): \(operation): \(message)\(codeText)"
    }
}
