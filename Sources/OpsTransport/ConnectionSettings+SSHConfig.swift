import Foundation
import OpsSSH

extension ConnectionSettings {
    /// Fields set explicitly (inventory variables, flags); ssh config never overrides them,
    /// as `ssh -o` options beat the config file.
    public struct ExplicitFields: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let address = ExplicitFields(rawValue: 1 << 0)
        public static let port = ExplicitFields(rawValue: 1 << 1)
        public static let user = ExplicitFields(rawValue: 1 << 2)
        public static let identityFiles = ExplicitFields(rawValue: 1 << 3)
        public static let jumpHosts = ExplicitFields(rawValue: 1 << 4)
    }

    /// These settings with `~/.ssh/config` (or any parsed config) applied, as OpenSSH would:
    /// Host patterns are matched against `address` (the name ssh would be given), HostName
    /// replaces the address, and each ProxyJump entry is itself resolved through the config.
    /// A jump host's user and port come from its entry (`user@host:port`), then its config,
    /// then this host's user and port 22; its key files from its config, else this host's.
    public func resolved(with config: SSHConfig, explicit: ExplicitFields = []) -> ConnectionSettings {
        resolved(with: config, explicit: explicit, chain: [address])
    }

    /// `chain` holds the hosts already on the path, so a jump host that (say, through `Host *`)
    /// names itself or an earlier hop as its own jump is reached directly instead of looping.
    private func resolved(with config: SSHConfig, explicit: ExplicitFields, chain: Set<String>) -> ConnectionSettings {
        let options = config.options(
            for: SSHConfig.Target(
                host: address, hostName: explicit.contains(.address) ? address : nil,
                user: explicit.contains(.user) ? user : nil, defaultUser: user))
        var result = self
        result.sshConfigNotes = options.notes
        if !explicit.contains(.address), let hostName = options.hostName {
            result.address = SSHConfig.Tokens(remoteHost: address, originalHost: address).expand(hostName)
        }
        if !explicit.contains(.port), let port = options.port { result.port = port }
        if !explicit.contains(.user), let user = options.user { result.user = user }
        // Tokens take the final values, inventory ones included, as OpenSSH expands them last.
        let tokens = SSHConfig.Tokens(
            remoteHost: result.address, originalHost: address, port: result.port, remoteUser: result.user)
        if !explicit.contains(.identityFiles), !options.identityFiles.isEmpty {
            result.identityFiles = options.identityFiles.map(tokens.expand)
        }
        if !explicit.contains(.jumpHosts), let jumps = options.proxyJump {
            var chain = chain
            result.jumpHosts = jumps.map(tokens.expand).flatMap { spec -> [ConnectionSettings] in
                let hop = jumpSettings(spec, target: result)
                if chain.contains(hop.address) { return [] }
                chain.insert(hop.address)
                let jump = hop.resolved(with: config, explicit: jumpExplicit(spec), chain: chain)
                // A jump host with its own ProxyJump is reached through that chain first.
                var flat = jump
                flat.jumpHosts = []
                return jump.jumpHosts + [flat]
            }
        }
        return result
    }

    /// `[user@]host[:port]` (or `[user@][v6-address]:port`) as a jump host of `target`.
    private func jumpSettings(_ spec: String, target: ConnectionSettings) -> ConnectionSettings {
        var rest = Substring(spec)
        var user = target.user
        if let at = rest.lastIndex(of: "@") {
            user = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        var host = String(rest)
        var port = 22
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":"), let value = Int(after.dropFirst()) { port = value }
        } else if let colon = rest.lastIndex(of: ":"), let value = Int(rest[rest.index(after: colon)...]) {
            host = String(rest[..<colon])
            port = value
        }
        return ConnectionSettings(
            name: host, kind: .ssh, address: host, port: port, user: user, identityFiles: target.identityFiles,
            passphraseEnvironmentVariable: target.passphraseEnvironmentVariable,
            knownHostsFile: target.knownHostsFile, hostKeyPolicy: target.hostKeyPolicy,
            connectTimeout: target.connectTimeout, commandTimeout: nil,
            keepaliveInterval: target.keepaliveInterval)
    }

    /// What a jump spec states outright beats that jump host's config entry.
    private func jumpExplicit(_ spec: String) -> ExplicitFields {
        var fields: ExplicitFields = []
        if spec.contains("@") { fields.insert(.user) }
        let hostPart = spec.split(separator: "@").last.map(String.init) ?? spec
        if hostPart.hasPrefix("[") ? hostPart.contains("]:") : hostPart.contains(":") { fields.insert(.port) }
        return fields
    }
}
