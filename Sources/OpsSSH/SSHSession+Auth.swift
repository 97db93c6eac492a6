import CLibSSH2
import Foundation

extension SSHSession {
    /// The methods the server accepts for `user` (`publickey`, `password`, …); empty once the
    /// server let the user in with "none".
    public func authenticationMethods(user: String, deadline: Deadline) throws -> [String] {
        while true {
            let list = user.withCString { libssh2_userauth_list(raw, $0, UInt32(user.utf8.count)) }
            if let list {
                return String(cString: list).split(separator: ",").map(String.init)
            }
            if libssh2_userauth_authenticated(raw) != 0 { return [] }
            let code = libssh2_session_last_errno(raw)
            if code != CSSH_ERROR_EAGAIN { throw error(.authentication, "list authentication methods", code: code) }
            try waitForSocket(deadline: deadline, operation: "list authentication methods")
        }
    }

    public var isAuthenticated: Bool { libssh2_userauth_authenticated(raw) != 0 }

    /// Tries one private key file. Returns false when the server refuses the key; throws when
    /// the file cannot be used (missing, unreadable, wrong passphrase).
    public func authenticate(user: String, privateKeyFile: String, passphrase: String?, deadline: Deadline)
        throws -> Bool
    {
        while true {
            let rc = user.withCString { userPointer in
                cssh_userauth_publickey_fromfile(
                    raw, userPointer, UInt32(user.utf8.count), privateKeyFile, passphrase)
            }
            switch rc {
            case 0:
                return true
            case CSSH_ERROR_EAGAIN:
                try waitForSocket(deadline: deadline, operation: "public key authentication")
            case LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED, LIBSSH2_ERROR_AUTHENTICATION_FAILED:
                return false
            case LIBSSH2_ERROR_FILE:
                let hint =
                    passphrase == nil
                    ? " (if the key has a passphrase, name the variable holding it in the inventory)"
                    : " (is the passphrase right?)"
                var failure = error(.authentication, "load private key \(privateKeyFile)", code: rc)
                failure.message += hint
                throw failure
            default:
                throw error(.authentication, "public key authentication with \(privateKeyFile)", code: rc)
            }
        }
    }

    /// Tries every identity ssh-agent (SSH_AUTH_SOCK) holds. Returns false when there is no
    /// agent or the server refused all of them.
    public func authenticateWithAgent(user: String, deadline: Deadline) throws -> Bool {
        guard ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"] != nil else { return false }
        guard let agent = libssh2_agent_init(raw) else { return false }
        defer {
            libssh2_agent_disconnect(agent)
            libssh2_agent_free(agent)
        }
        if libssh2_agent_connect(agent) != 0 { return false }
        if libssh2_agent_list_identities(agent) != 0 { return false }
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        while true {
            var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
            let next = libssh2_agent_get_identity(agent, &identity, previous)
            if next != 0 { return false }
            while true {
                let rc = libssh2_agent_userauth(agent, user, identity)
                if rc == 0 { return true }
                if rc != CSSH_ERROR_EAGAIN { break }
                try waitForSocket(deadline: deadline, operation: "ssh-agent authentication")
            }
            if isBroken { throw error(.unreachable, "ssh-agent authentication") }
            previous = identity
        }
    }
}
