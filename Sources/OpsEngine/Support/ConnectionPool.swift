import Foundation
import Logging
import OpsTransport

/// One open transport per host for the whole run (a libssh2 session is costly to set up:
/// TCP, key exchange, authentication), closed together at the end.
public final class ConnectionPool: @unchecked Sendable {
    public typealias Factory = (ConnectionSettings) throws -> any Transport

    private let factory: Factory
    private var open: [String: any Transport] = [:]
    private let lock = NSLock()

    public init(factory: @escaping Factory) {
        self.factory = factory
    }

    /// The host's transport, connected. Safe to call from the host's own worker thread.
    public func transport(for settings: ConnectionSettings) throws -> any Transport {
        lock.lock()
        let existing = open[settings.name]
        lock.unlock()
        if let existing { return existing }
        let transport = try factory(settings)
        try transport.connect()
        lock.lock()
        open[settings.name] = transport
        lock.unlock()
        return transport
    }

    /// Drops a host's transport after it failed, so the next use reconnects.
    public func discard(_ host: String) {
        lock.lock()
        let t = open.removeValue(forKey: host)
        lock.unlock()
        t?.close()
    }

    public func closeAll() {
        lock.lock()
        let all = open.values
        open.removeAll()
        lock.unlock()
        for t in all { t.close() }
    }
}
