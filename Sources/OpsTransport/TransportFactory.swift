import Logging

/// Makes the transport a host's settings call for.
public enum TransportFactory {
    /// An `SSHTransport` for `.ssh`, a `LocalTransport` for `.local` (the control machine).
    public static func make(for settings: ConnectionSettings, logger: Logger) throws -> Transport {
        switch settings.kind {
        case .ssh:
            return SSHTransport(settings: settings, logger: logger)
        case .local:
            return LocalTransport(hostName: settings.name, logger: logger)
        }
    }
}
