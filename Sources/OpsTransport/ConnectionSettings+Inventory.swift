import Foundation
import OpsCore
import OpsSSH

/// Command-line choices that beat inventory variables (as `ansible -u USER --private-key K`).
public struct ConnectionOverrides: Sendable, Equatable {
    public var user: String?
    public var privateKeyFile: String?
    public var knownHostsFile: String?
    public var hostKeyPolicy: ConnectionSettings.HostKeyPolicy?
    public var connectTimeout: Double?
    public var commandTimeout: Double?

    public init(
        user: String? = nil, privateKeyFile: String? = nil, knownHostsFile: String? = nil,
        hostKeyPolicy: ConnectionSettings.HostKeyPolicy? = nil, connectTimeout: Double? = nil,
        commandTimeout: Double? = nil
    ) {
        self.user = user
        self.privateKeyFile = privateKeyFile
        self.knownHostsFile = knownHostsFile
        self.hostKeyPolicy = hostKeyPolicy
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }
}

extension ConnectionSettings {
    /// The inventory variables `resolve` reads (templated by the caller first).
    public static let variableNames = [
        "ansible_connection", "ansible_host", "ansible_ssh_host", "ansible_port", "ansible_ssh_port", "ansible_user",
        "ansible_ssh_user", "ansible_ssh_private_key_file", "ansible_private_key_file", "opsctl_key_passphrase_env",
        "ansible_ssh_common_args", "ansible_ssh_extra_args", "opsctl_known_hosts_file", "opsctl_host_key_checking",
        "ansible_ssh_timeout", "ansible_timeout", "opsctl_command_timeout", "opsctl_command_shell",
    ]

    /// Resolves a host's connection from its (already templated) variables, reading Ansible's
    /// connection variables so existing inventories work unchanged:
    /// `ansible_connection`, `ansible_host`, `ansible_port`, `ansible_user`,
    /// `ansible_ssh_private_key_file`, `ansible_ssh_common_args`/`ansible_ssh_extra_args`
    /// (`-o UserKnownHostsFile=…`, `-o StrictHostKeyChecking=…`, `-o ProxyJump=…`, `-J`),
    /// `ansible_ssh_timeout`/`ansible_timeout`; and opsctl's `opsctl_known_hosts_file`,
    /// `opsctl_host_key_checking` (strict | accept-new), `opsctl_command_timeout`,
    /// `opsctl_command_shell` (false: a channel per command instead of the persistent shell).
    public static func resolve(host: String, vars: VariableSet, overrides: ConnectionOverrides = .init()) throws
        -> ConnectionSettings
    {
        try resolve(host: host, vars: vars, overrides: overrides, sshConfig: try userSSHConfig())
    }

    static func resolve(host: String, vars: VariableSet, overrides: ConnectionOverrides, sshConfig: SSHConfig?) throws
        -> ConnectionSettings
    {
        func string(_ names: String...) -> String? {
            for n in names { if let v = vars.string(n), !v.isEmpty { return v } }
            return nil
        }
        func number(_ names: String...) throws -> Double? {
            for n in names {
                guard let v = vars.string(n) else { continue }
                guard let d = Double(v), d > 0 else {
                    throw InputError("\(n) must be a positive number of seconds, got \"\(v)\"", at: vars[n]?.origin)
                }
                return d
            }
            return nil
        }
        var settings = ConnectionSettings(name: host)
        var explicit: ExplicitFields = []
        switch string("ansible_connection") ?? "ssh" {
        case "ssh", "smart", "paramiko", "libssh", "ansible.builtin.ssh": settings.kind = .ssh
        case "local", "ansible.builtin.local": settings.kind = .local
        case let other:
            throw InputError(
                "ansible_connection \"\(other)\" is not supported for host \(host): use ssh or local",
                at: vars["ansible_connection"]?.origin)
        }
        if let address = string("ansible_host", "ansible_ssh_host") {
            settings.address = address
            explicit.insert(.address)
        }
        if let port = string("ansible_port", "ansible_ssh_port") {
            guard let p = Int(port), (1...65535).contains(p) else {
                throw InputError("ansible_port must be 1-65535, got \"\(port)\"", at: vars["ansible_port"]?.origin)
            }
            settings.port = p
            explicit.insert(.port)
        }
        if let user = string("ansible_user", "ansible_ssh_user") {
            settings.user = user
            explicit.insert(.user)
        }
        if let key = string("ansible_ssh_private_key_file", "ansible_private_key_file") {
            settings.identityFiles = [expandHome(key)]
            explicit.insert(.identityFiles)
        }
        if let pass = string("opsctl_key_passphrase_env") { settings.passphraseEnvironmentVariable = pass }

        // OpenSSH options carried in ansible_ssh_common_args / ansible_ssh_extra_args.
        let extra = [string("ansible_ssh_common_args"), string("ansible_ssh_extra_args")].compactMap { $0 }
        for args in extra {
            let words = (try? ShellWords.split(args)) ?? []
            var i = 0
            while i < words.count {
                var option: String?
                if words[i] == "-o", i + 1 < words.count {
                    option = words[i + 1]
                    i += 1
                } else if words[i].hasPrefix("-o") {
                    option = String(words[i].dropFirst(2))
                } else if words[i] == "-J", i + 1 < words.count {
                    option = "ProxyJump=" + words[i + 1]
                    i += 1
                }
                i += 1
                guard let option else { continue }
                let pair = option.split(separator: "=", maxSplits: 1).map(String.init)
                let (key, value) = (pair[0].lowercased(), pair.count > 1 ? pair[1] : "")
                switch key {
                case "userknownhostsfile": settings.knownHostsFile = expandHome(value)
                case "stricthostkeychecking":
                    if value == "accept-new" { settings.hostKeyPolicy = .acceptNew }
                case "proxyjump":
                    settings.jumpHosts = try value.split(separator: ",").map { try jumpHost(String($0), via: host) }
                    explicit.insert(.jumpHosts)
                case "connecttimeout": settings.connectTimeout = Double(value) ?? settings.connectTimeout
                default: break
                }
            }
        }
        if let kh = string("opsctl_known_hosts_file") { settings.knownHostsFile = expandHome(kh) }
        if let policy = string("opsctl_host_key_checking") {
            guard let p = HostKeyPolicy(rawValue: policy) else {
                throw InputError(
                    "opsctl_host_key_checking must be strict or accept-new, got \"\(policy)\"",
                    at: vars["opsctl_host_key_checking"]?.origin)
            }
            settings.hostKeyPolicy = p
        }
        if let t = try number("ansible_ssh_timeout", "ansible_timeout") { settings.connectTimeout = t }
        if let t = try number("opsctl_command_timeout") { settings.commandTimeout = t }
        if let v = vars.string("opsctl_command_shell") {
            guard let on = PlaybookLoader.yamlBool(v) else {
                throw InputError(
                    "opsctl_command_shell must be true or false, got \"\(v)\"", at: vars["opsctl_command_shell"]?.origin)
            }
            settings.commandShell = on
        }

        if let u = overrides.user {
            settings.user = u
            explicit.insert(.user)
        }
        if let k = overrides.privateKeyFile {
            settings.identityFiles = [expandHome(k)]
            explicit.insert(.identityFiles)
        }
        // ~/.ssh/config (HostName, User, Port, IdentityFile, ProxyJump) fills in what the
        // inventory and flags left unsaid, as `ssh -o` options beat the config file.
        if settings.kind == .ssh, let config = sshConfig {
            settings = settings.resolved(with: config, explicit: explicit)
        }
        if let kh = overrides.knownHostsFile { settings.knownHostsFile = expandHome(kh) }
        if let p = overrides.hostKeyPolicy { settings.hostKeyPolicy = p }
        if let t = overrides.connectTimeout { settings.connectTimeout = t }
        if let t = overrides.commandTimeout { settings.commandTimeout = t }
        return settings
    }

    /// The user's ssh config, read once per process: `$OPSCTL_SSH_CONFIG` (empty: none), else
    /// `~/.ssh/config` when it exists. A malformed file is an error with file:line:col.
    static func userSSHConfig() throws -> SSHConfig? {
        try UserSSHConfig.shared.get()
    }

    /// `user@host:port` of a ProxyJump entry.
    static func jumpHost(_ spec: String, via host: String) throws -> ConnectionSettings {
        var rest = spec
        var user: String?
        if let at = rest.lastIndex(of: "@") {
            user = String(rest[..<at])
            rest = String(rest[rest.index(after: at)...])
        }
        var port = 22
        if let colon = rest.lastIndex(of: ":"), let p = Int(rest[rest.index(after: colon)...]) {
            port = p
            rest = String(rest[..<colon])
        }
        guard !rest.isEmpty else { throw InputError("ProxyJump \"\(spec)\" for host \(host) names no host") }
        return ConnectionSettings(name: rest, address: rest, port: port, user: user ?? "root")
    }

    static func expandHome(_ path: String) -> String {
        guard path.hasPrefix("~/") else { return path }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst()
    }
}

private enum UserSSHConfig {
    static let shared: Result<SSHConfig?, Error> = Result {
        let env = ProcessInfo.processInfo.environment["OPSCTL_SSH_CONFIG"]
        let path = env ?? SSHConfig.userConfigPath
        guard !path.isEmpty, FileManager.default.fileExists(atPath: path) else { return nil }
        return try SSHConfig.load(path: path)
    }
}
