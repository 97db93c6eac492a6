import Foundation

/// Errors from any transport. Each names the host, and the command or path where there is one.
public enum TransportError: Error, CustomStringConvertible, Equatable {
    /// The host could not be reached or the connection dropped (Ansible's "UNREACHABLE").
    case unreachable(host: String, reason: String)
    /// The host's key is unknown or changed; the connection is refused before authentication.
    case hostKey(host: String, reason: String)
    /// Authentication was refused; `reason` names the user and the methods the server offered.
    case authentication(host: String, reason: String)
    case timeout(host: String, command: String, seconds: Double)
    /// Privilege escalation (sudo) refused before the command ran: wrong or missing password, not a sudoer.
    case become(host: String, reason: String)
    case io(host: String, operation: String, reason: String)

    public var host: String {
        switch self {
        case .unreachable(let h, _), .hostKey(let h, _), .authentication(let h, _), .timeout(let h, _, _),
            .become(let h, _), .io(let h, _, _):
            return h
        }
    }

    /// True when the host itself failed (Ansible counts these as unreachable, not failed).
    public var isUnreachable: Bool {
        switch self {
        case .unreachable, .hostKey, .authentication: return true
        case .timeout, .become, .io: return false
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let h, let r): return "\(h): unreachable: \(r)"
        case .hostKey(let h, let r): return "\(h): host key verification failed: \(r)"
        case .authentication(let h, let r): return "\(h): authentication failed: \(r)"
        case .timeout(let h, let c, let s): return "\(h): command timed out after \(s)s: \(c)"
        case .become(let h, let r): return "\(h): become failed: \(r)"
        case .io(let h, let op, let r): return "\(h): \(op) failed: \(r)"
        }
    }
}
