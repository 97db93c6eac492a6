import Foundation

/// How to reach one host: everything a transport needs, already resolved from inventory
/// variables (`ansible_host`, `ansible_user`, …), flags and `~/.ssh/config`.
public struct ConnectionSettings: Sendable, Equatable {
    public enum Kind: String, Sendable { case ssh, local }

    /// What to do with a host key that is not in known_hosts. A *changed* key is always refused.
    public enum HostKeyPolicy: String, Sendable {
        /// Refuse unknown keys (OpenSSH's StrictHostKeyChecking=yes); the default.
        case strict
        /// Record unknown keys in known_hosts, refuse changed ones (StrictHostKeyChecking=accept-new).
        case acceptNew = "accept-new"
    }

    /// The inventory name, used in every message.
    public var name: String
    public var kind: Kind
    /// Address or DNS name to connect to (`ansible_host`, else HostName from ssh config, else name).
    public var address: String
    public var port: Int
    public var user: String
    /// Private key files to try in order; empty means ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa.
    public var identityFiles: [String]
    /// Name of the environment variable holding the key's passphrase, if any.
    public var passphraseEnvironmentVariable: String?
    public var knownHostsFile: String
    public var hostKeyPolicy: HostKeyPolicy
    /// Seconds to establish TCP + SSH + authentication.
    public var connectTimeout: Double
    /// Default per-command timeout when an ExecRequest has none; nil waits forever.
    public var commandTimeout: Double?
    /// Seconds between keepalive messages; 0 disables.
    public var keepaliveInterval: Int
    /// Runs commands in one persistent `/bin/sh` per host (`CommandShell`) instead of a channel,
    /// an sshd process and a login shell each (`opsctl_command_shell: false`).
    public var commandShell = true
    /// Jump hosts, outermost first (`ProxyJump a,b` → [a, b]); each is reached through the one before.
    public var jumpHosts: [ConnectionSettings]
    /// ssh config blocks skipped for this host (a `Match exec` opsctl never runs), logged at debug
    /// when connecting, since OpenSSH might have applied them.
    public var sshConfigNotes: [String] = []

    public init(
        name: String, kind: Kind = .ssh, address: String? = nil, port: Int = 22, user: String = "root",
        identityFiles: [String] = [], passphraseEnvironmentVariable: String? = nil,
        knownHostsFile: String = ConnectionSettings.defaultKnownHostsFile, hostKeyPolicy: HostKeyPolicy = .strict,
        connectTimeout: Double = 10, commandTimeout: Double? = nil, keepaliveInterval: Int = 15,
        jumpHosts: [ConnectionSettings] = []
    ) {
        self.name = name
        self.kind = kind
        self.address = address ?? name
        self.port = port
        self.user = user
        self.identityFiles = identityFiles
        self.passphraseEnvironmentVariable = passphraseEnvironmentVariable
        self.knownHostsFile = knownHostsFile
        self.hostKeyPolicy = hostKeyPolicy
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.keepaliveInterval = keepaliveInterval
        self.jumpHosts = jumpHosts
    }

    public static var defaultKnownHostsFile: String {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return home + "/.ssh/known_hosts"
    }
}
