import Logging
import ServiceLifecycle

/// Runs next to the HTTP server and is shut down before it: on SIGTERM readiness turns 503 at
/// once while the listener keeps serving for `delay`, so load balancers stop sending before
/// connections are refused. Returning lets the service group shut the server down next.
struct DrainService: Service {
    let state: ServiceState
    let delay: Duration
    let logger: Logger

    func run() async throws {
        // Throws only on cancellation, which is not a drain.
        try await gracefulShutdown()
        state.beginDraining()
        logger.notice("draining: /ready now reports 503", metadata: ["drain_delay_s": "\(delay.components.seconds)"])
        try? await Task.sleep(for: delay)
        logger.notice("drain delay over: closing the listener and finishing in-flight requests")
    }
}
