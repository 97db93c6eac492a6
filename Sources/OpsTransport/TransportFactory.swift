import Logging

/// Makes the transport a host's settings call for.
public enum TransportFactory {
    /// An `SSHTransport` for `.ssh`. The `.local` branch belongs to `LocalTransport`
    /// (lead: `case .local: return LocalTransport(hostName: settings.name, logger: logger)`).
    public static func make(for settings: ConnectionSettings, logger: Logger) throws -> Transport {
        switch settings.kind {
        case .ssh:
            return SSHTransport(settings: settings, logger: logger)
        case .local:
            throw TransportError.io(
                host: settings.name, operation: "create transport",
                reason: "connection: local is not available in this build")
        }
    }
}
