import Logging
import OpsTransport

/// Picks the transport for a host's connection kind.
enum Transports {
    static func factory(logger: Logger) -> (ConnectionSettings) throws -> any Transport {
        { settings in
            switch settings.kind {
            case .local:
                return LocalTransport(hostName: settings.name, logger: logger)
            case .ssh:
                throw TransportError.unreachable(host: settings.name, reason: "the SSH transport is not built in yet")
            }
        }
    }
}
