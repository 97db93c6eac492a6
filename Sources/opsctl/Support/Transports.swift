import Logging
import OpsTransport

/// Picks the transport for a host's connection kind.
enum Transports {
    static func factory(logger: Logger) -> (ConnectionSettings) throws -> any Transport {
        { settings in try TransportFactory.make(for: settings, logger: logger) }
    }
}
