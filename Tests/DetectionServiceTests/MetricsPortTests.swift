import DetectionService
import Foundation
import ServiceLifecycle
import XCTest

/// With `metricsPort` set, /metrics moves to its own listener and leaves the API port.
final class MetricsPortTests: XCTestCase {
    func testMetricsOnTheirOwnPort() async throws {
        let port = try freeLoopbackPort()
        let metricsPort = try freeLoopbackPort()
        let config = try makeConfig(.sqlite) {
            $0.port = port
            $0.metricsPort = metricsPort
            $0.drainDelay = .zero
        }
        let app = try await buildApplication(config, logger: testLogger())
        let group = ServiceGroup(configuration: .init(services: [app], logger: testLogger()))
        let run = Task { try await group.run() }
        defer { run.cancel() }

        var health: (status: Int, body: String)?
        for _ in 0..<100 where health == nil {
            health = try? await blocking { try RawHTTPConnection.get(port: port, "/health") }
            if health == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        XCTAssertEqual(health?.status, 200)
        var metrics: (status: Int, body: String)?
        for _ in 0..<100 where metrics == nil {
            metrics = try? await blocking { try RawHTTPConnection.get(port: metricsPort, "/metrics") }
            if metrics == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        XCTAssertEqual(metrics?.status, 200)
        XCTAssertTrue(
            metrics?.body.contains(#"detection_http_requests_total{route="/health",method="GET",status="200"} 1"#)
                ?? false)
        let onAPIPort = try await blocking { try RawHTTPConnection.get(port: port, "/metrics") }
        XCTAssertEqual(onAPIPort.status, 404)
        await group.triggerGracefulShutdown()
        try await run.value
    }
}
