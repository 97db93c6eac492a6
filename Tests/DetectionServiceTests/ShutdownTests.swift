import DetectionService
import Foundation
import Logging
import ServiceLifecycle
import XCTest

/// Graceful shutdown with requests in flight, in process: the application runs in a
/// ServiceGroup and `triggerGracefulShutdown()` stands in for SIGTERM (ExecutableTests sends the
/// real signal to the real binary).
final class ShutdownTests: XCTestCase {
    func testDrainKeepsServingThenFinishesInFlightRequests() async throws {
        let port = try freeLoopbackPort()
        let drain = Duration.milliseconds(1500)
        let config = try makeConfig(.sqlite) {
            $0.port = port
            $0.drainDelay = drain
            $0.shutdownTimeout = .seconds(10)
        }
        let app = try await buildApplication(config, logger: testLogger())
        let group = ServiceGroup(configuration: .init(services: [app], logger: testLogger()))
        let run = Task { try await group.run() }

        var ready = false
        for _ in 0..<100 where !ready {
            ready = (try? await blocking { try RawHTTPConnection.get(port: port, "/ready") })?.status == 200
            if !ready { try await Task.sleep(for: .milliseconds(50)) }
        }
        XCTAssertTrue(ready, "the service never became ready")

        // A request whose body is only half sent when shutdown begins.
        let body = Array(
            try JSONSerialization.data(withJSONObject: [
                "timestamps": minuteTimestamps(500), "values": (0..<500).map(Double.init),
            ]))
        let inFlight = try RawHTTPConnection(port: port)
        try inFlight.send(
            "POST /api/v1/detect HTTP/1.1\r\nHost: localhost\r\nX-API-Key: \(testAPIKey)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n")
        try inFlight.send(Array(body[..<(body.count / 2)]))
        try await Task.sleep(for: .milliseconds(100))

        let start = ContinuousClock.now
        await group.triggerGracefulShutdown()

        // Readiness fails at once, naming the drain...
        var notReady: (status: Int, body: String)?
        for _ in 0..<20 {
            let r = try await blocking { try RawHTTPConnection.get(port: port, "/ready") }
            if r.status == 503 {
                notReady = r
                break
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        XCTAssertLessThan(ContinuousClock.now - start, .milliseconds(700), "readiness took too long to fail")
        XCTAssertTrue(notReady?.body.contains("\"draining\"") ?? false, notReady?.body ?? "still 200")
        // ...while new requests are still served during the drain delay.
        let health = try await blocking { try RawHTTPConnection.get(port: port, "/health") }
        XCTAssertEqual(health.status, 200)
        XCTAssertLessThan(ContinuousClock.now - start, drain, "the checks above outlasted the drain delay")

        // After the delay the listener is closed.
        try await Task.sleep(until: start + drain + .milliseconds(700), clock: .continuous)
        XCTAssertThrowsError(try RawHTTPConnection.get(port: port, "/health"), "still accepting after the drain delay")

        // The in-flight request still completes and is stored.
        try inFlight.send(Array(body[(body.count / 2)...]))
        let response = try await blocking { try inFlight.readResponse() }
        XCTAssertEqual(response.status, 201, response.body)
        XCTAssertTrue(response.body.contains("\"points\":500"), response.body)

        try await run.value
        XCTAssertLessThan(ContinuousClock.now - start, drain + .seconds(5), "shutdown exceeded its bound")
    }
}
