import Foundation
import OpsTransport
import XCTest

final class UnreachableTests: XCTestCase {
    var namespace: TestNetworkNamespace?
    var server: TestSSHServer?

    override func tearDown() {
        server?.stop()
        namespace?.remove()
    }

    func testBlackholedHostIsUnreachableWithinTheConnectTimeout() throws {
        let namespace = try TestNetworkNamespace()
        self.namespace = namespace
        try namespace.dropEverything()
        let settings = ConnectionSettings(
            name: "blackhole", address: namespace.address, port: 22, knownHostsFile: "/dev/null", connectTimeout: 2)
        let started = Date()
        XCTAssertThrowsError(try SSHTransport(settings: settings, logger: TestSSHServer.logger).connect()) { error in
            guard case TransportError.unreachable(let host, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(host, "blackhole")
            XCTAssertTrue(reason.contains("no answer within 2s"), reason)
        }
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertGreaterThan(elapsed, 1.8)
        XCTAssertLessThan(elapsed, 4)
    }

    func testHostThatDiesMidCommandIsReportedUnreachable() throws {
        let namespace = try TestNetworkNamespace()
        self.namespace = namespace
        let server = try TestSSHServer(listenAddress: namespace.address, netns: namespace.name)
        self.server = server
        var settings = server.settings(name: "dying", address: namespace.address)
        settings.keepaliveInterval = 1
        settings.connectTimeout = 3
        let transport = SSHTransport(settings: settings, logger: TestSSHServer.logger)
        XCTAssertEqual(try transport.exec(ExecRequest("echo alive")).stdoutText, "alive\n")
        try namespace.dropEverything()
        let started = Date()
        // No command timeout: only keepalives and the dead-connection limit can end this.
        XCTAssertThrowsError(try transport.exec(ExecRequest("sleep 60"))) { error in
            guard case TransportError.unreachable(let host, _) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(host, "dying")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 15)
    }
}
