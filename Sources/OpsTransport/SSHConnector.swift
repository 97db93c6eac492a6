import Foundation
import Logging
import OpsSSH

/// Opens an authenticated session for one host: through its jump hosts if any, verifying the
/// host key against known_hosts before any credential is sent.
struct SSHConnector {
    let logger: Logger

    func open(_ settings: ConnectionSettings) throws -> SSHSession {
        for note in settings.sshConfigNotes + settings.jumpHosts.flatMap(\.sshConfigNotes) {
            logger.debug("ssh config block skipped", metadata: ["reason": "\(note)"])
        }
        var previous: SSHSession?
        for jump in settings.jumpHosts {
            var hop = jump
            hop.jumpHosts = []
            previous = try openHop(hop, via: previous, reportAs: settings.name)
        }
        return try openHop(settings, via: previous, reportAs: settings.name)
    }

    /// One hop. Errors on a jump host name both the target and the jump host.
    private func openHop(_ settings: ConnectionSettings, via bastion: SSHSession?, reportAs target: String) throws
        -> SSHSession
    {
        let deadline = Deadline(seconds: settings.connectTimeout)
        let label = settings.name == target ? target : "\(target) (via jump host \(settings.name))"
        let socket: SSHSocket
        var tunnel: SSHTunnel?
        if let bastion {
            let opened = try SSHTunnel(
                bastion: bastion, host: settings.address, port: settings.port, deadline: deadline, logger: logger)
            opened.start()
            tunnel = opened
            socket = opened.sessionSide
        } else {
            // The kernel gives up on unacknowledged data after this long: a host that dies
            // mid-command is reported, not waited on forever.
            let dead = max(settings.connectTimeout, Double(settings.keepaliveInterval * 3))
            socket = try SSHSocket.connect(
                host: settings.address, port: settings.port, timeout: settings.connectTimeout,
                deadTimeout: dead, hostName: label)
        }
        let session = try SSHSession(
            socket: socket, hostName: label, keepaliveInterval: settings.keepaliveInterval, logger: logger)
        if let tunnel { session.attach(tunnel) }

        let knownHosts = try SSHKnownHosts(session: session, file: settings.knownHostsFile, logger: logger)
        session.preferHostKeyAlgorithms(knownHosts.preferredAlgorithms(host: settings.address, port: settings.port))
        try session.handshake(deadline: deadline)
        try verifyHostKey(session: session, knownHosts: knownHosts, settings: settings, label: label)
        try authenticate(session: session, settings: settings, deadline: deadline, label: label)
        logger.debug("connected", metadata: ["address": "\(settings.address):\(settings.port)"])
        return session
    }

    private func verifyHostKey(
        session: SSHSession, knownHosts: SSHKnownHosts, settings: ConnectionSettings, label: String
    ) throws {
        let key = try session.hostKey()
        let name = SSHKnownHosts.hostPattern(host: settings.address, port: settings.port)
        let file = settings.knownHostsFile
        switch knownHosts.check(host: settings.address, port: settings.port, key: key) {
        case .match:
            return
        case .mismatch:
            throw TransportError.hostKey(
                host: label,
                reason: "the \(key.typeName) key of \(name) is now \(key.fingerprint), which differs from the one "
                    + "recorded in \(file): the host was reinstalled, or someone is intercepting the connection. "
                    + "If the change is expected, remove the old key with `ssh-keygen -R '\(name)' -f \(file)`")
        case .revoked(let line):
            throw TransportError.hostKey(
                host: label,
                reason: "\(name) presented the \(key.typeName) key \(key.fingerprint), which \(file):\(line) marks "
                    + "@revoked: refusing it whatever other lines say. The host needs a new key, recorded in \(file)")
        case .notFound:
            let authorities = knownHosts.certificateAuthorityLines(host: settings.address, port: settings.port)
            if let line = authorities.first {
                // Recording the plain key (accept-new) would bypass the CA the file asks for.
                throw TransportError.hostKey(
                    host: label,
                    reason: "\(name) is known only through the @cert-authority line \(file):\(line), but opsctl "
                        + "does not support host certificates. Add the host's own key to \(file) (its \(key.typeName) "
                        + "key has fingerprint \(key.fingerprint); compare it with `ssh-keygen -lf` on the host's "
                        + "public key)")
            }
            if settings.hostKeyPolicy == .acceptNew {
                do {
                    try SSHKnownHosts.append(key: key, host: settings.address, port: settings.port, to: file)
                } catch let error as SSHError {
                    throw TransportError.hostKey(host: label, reason: error.description)
                }
                logger.notice(
                    "recorded new host key",
                    metadata: ["known_hosts": "\(file)", "key": "\(key.typeName) \(key.fingerprint)"])
                return
            }
            throw TransportError.hostKey(
                host: label,
                reason: "\(name) is not in \(file); its \(key.typeName) key has fingerprint \(key.fingerprint). "
                    + "Compare it with `ssh-keygen -lf` on the host's public key, then add the key to \(file) "
                    + "or use host key policy accept-new")
        }
    }

    private func authenticate(session: SSHSession, settings: ConnectionSettings, deadline: Deadline, label: String)
        throws
    {
        let user = settings.user
        let methods: [String]
        do {
            methods = try session.authenticationMethods(user: user, deadline: deadline)
        } catch let error as SSHError {
            throw TransportError(error, command: nil)
        }
        if session.isAuthenticated { return }

        var passphrase: String?
        if let variable = settings.passphraseEnvironmentVariable {
            guard let value = ProcessInfo.processInfo.environment[variable] else {
                throw TransportError.authentication(
                    host: label, reason: "the key passphrase variable \(variable) is not set in the environment")
            }
            passphrase = value
        }

        var tried: [String] = []
        if methods.contains("publickey") {
            do {
                var files = settings.identityFiles.map(Self.expandHome)
                if files.isEmpty {
                    tried.append("ssh-agent")
                    if try session.authenticateWithAgent(user: user, deadline: deadline) { return }
                    files = ["id_ed25519", "id_ecdsa", "id_rsa"].map { Self.expandHome("~/.ssh/" + $0) }
                        .filter { FileManager.default.fileExists(atPath: $0) }
                }
                for file in files {
                    guard FileManager.default.isReadableFile(atPath: file) else {
                        tried.append("\(file) (missing or unreadable)")
                        continue
                    }
                    tried.append(file)
                    if try session.authenticate(
                        user: user, privateKeyFile: file, passphrase: passphrase, deadline: deadline)
                    {
                        return
                    }
                }
            } catch let error as SSHError {
                if error.kind == .authentication {
                    throw TransportError.authentication(host: label, reason: error.operation + ": " + error.message)
                }
                throw TransportError(error, command: nil)
            }
        }
        let triedText = tried.isEmpty ? "no key (the server does not offer publickey)" : tried.joined(separator: ", ")
        throw TransportError.authentication(
            host: label,
            reason:
                "user \(user) was refused; the server offers: \(methods.joined(separator: ", ")); tried: \(triedText)")
    }

    static func expandHome(_ path: String) -> String {
        guard path.hasPrefix("~/") else { return path }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst(1)
    }
}
