import Foundation

/// What readiness reports besides the database: whether start-up finished and whether we drain.
final class ServiceState: @unchecked Sendable {
    let startedAt = ContinuousClock.now
    private let lock = NSLock()
    private var draining = false

    var isDraining: Bool {
        lock.lock()
        defer { lock.unlock() }
        return draining
    }

    func beginDraining() {
        lock.lock()
        draining = true
        lock.unlock()
    }

    var uptimeSeconds: Double {
        let d = ContinuousClock.now - startedAt
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
