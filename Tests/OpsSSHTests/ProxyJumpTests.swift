import Foundation
import OpsSSH
import OpsTransport
import XCTest

final class ProxyJumpTests: XCTestCase {
    var servers: [TestSSHServer] = []

    override func tearDown() {
        servers.forEach { $0.stop() }
    }

    /// The target's and bastion's keys in one known_hosts file, as an inventory would have it.
    func twoServers(bastionConfig: String = "") throws -> (
        bastion: TestSSHServer, target: TestSSHServer, knownHosts: String
    ) {
        let bastion = try TestSSHServer(extraConfig: bastionConfig)
        let target = try TestSSHServer(hostKeyType: "ecdsa")
        servers = [bastion, target]
        let knownHosts = bastion.directory.path + "/both_known_hosts"
        let lines =
            try String(contentsOfFile: bastion.knownHosts, encoding: .utf8)
            + String(contentsOfFile: target.knownHosts, encoding: .utf8)
        try lines.write(toFile: knownHosts, atomically: true, encoding: .utf8)
        // The target accepts the bastion's client key too, so one key serves both hops.
        try FileManager.default.removeItem(atPath: target.directory.path + "/authorized_keys")
        try FileManager.default.copyItem(
            atPath: bastion.directory.path + "/authorized_keys", toPath: target.directory.path + "/authorized_keys")
        return (bastion, target, knownHosts)
    }

    func testCommandsRunThroughAJumpHost() throws {
        let (bastion, target, knownHosts) = try twoServers()
        var jump = bastion.settings(name: "bastion")
        jump.knownHostsFile = knownHosts
        var settings = target.settings(name: "inner")
        settings.identityFiles = [bastion.clientKey]
        settings.knownHostsFile = knownHosts
        settings.jumpHosts = [jump]
        let transport = SSHTransport(settings: settings, logger: TestSSHServer.logger)
        defer { transport.close() }
        let result = try transport.exec(ExecRequest("echo $SSH_CONNECTION"))
        XCTAssertEqual(result.exitStatus, 0)
        XCTAssertTrue(result.stdoutText.hasSuffix(" \(target.port)\n"), result.stdoutText)
        // Big transfers survive the relay.
        let payload = Data((0..<(4 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        let echoed = try transport.exec(ExecRequest("cat", stdin: payload))
        XCTAssertEqual(echoed.stdout, payload)
        for _ in 0..<5 { XCTAssertEqual(try transport.exec(ExecRequest("echo again")).stdoutText, "again\n") }
        // A one-way stream through the relay, checked on the far side.
        let local = target.directory.path + "/through-jump.bin"
        try TestSSHServer.run("/bin/sh", ["-c", "head -c 20000000 /dev/urandom > \(local)"])
        let remote = target.directory.path + "/through-jump.copy"
        try transport.upload(file: local, to: remote, mode: 0o644)
        let expected = try TestSSHServer.run("/usr/bin/sha256sum", [local]).prefix(64)
        XCTAssertEqual(try transport.exec(ExecRequest("sha256sum \(remote)")).stdoutText.prefix(64), expected)
    }

    func testTwoJumpHostsInARow() throws {
        let (outer, target, knownHosts) = try twoServers()
        let middle = try TestSSHServer()
        servers.append(middle)
        try FileManager.default.removeItem(atPath: middle.directory.path + "/authorized_keys")
        try FileManager.default.copyItem(
            atPath: outer.directory.path + "/authorized_keys", toPath: middle.directory.path + "/authorized_keys")
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: knownHosts))
        try handle.seekToEnd()
        handle.write(try Data(contentsOf: URL(fileURLWithPath: middle.knownHosts)))
        try handle.close()

        var hops = [outer.settings(name: "outer"), middle.settings(name: "middle")]
        for index in hops.indices {
            hops[index].knownHostsFile = knownHosts
            hops[index].identityFiles = [outer.clientKey]
        }
        var settings = target.settings(name: "inner")
        settings.identityFiles = [outer.clientKey]
        settings.knownHostsFile = knownHosts
        settings.jumpHosts = hops
        let transport = SSHTransport(settings: settings, logger: TestSSHServer.logger)
        defer { transport.close() }
        XCTAssertEqual(try transport.exec(ExecRequest("echo two hops")).stdoutText, "two hops\n")
    }

    func testJumpHostThatForbidsForwardingIsReported() throws {
        let (bastion, target, knownHosts) = try twoServers(bastionConfig: "AllowTcpForwarding no")
        var jump = bastion.settings(name: "bastion")
        jump.knownHostsFile = knownHosts
        var settings = target.settings(name: "inner")
        settings.identityFiles = [bastion.clientKey]
        settings.knownHostsFile = knownHosts
        settings.jumpHosts = [jump]
        XCTAssertThrowsError(try SSHTransport(settings: settings, logger: TestSSHServer.logger).connect()) { error in
            guard case TransportError.unreachable(let host, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(host, "inner (via jump host bastion)")
            XCTAssertTrue(reason.contains("direct-tcpip"), reason)
        }
    }

    func testProxyJumpFromSSHConfig() throws {
        let (bastion, target, knownHosts) = try twoServers()
        let config = try SSHConfig.parse(
            """
            Host inner
                HostName 127.0.0.1
                Port \(target.port)
                ProxyJump jumpbox
            Host jumpbox
                HostName 127.0.0.1
                Port \(bastion.port)
                User root
            Host *
                IdentityFile \(bastion.clientKey)
            """, file: "test_config")
        var settings = ConnectionSettings(name: "inner", knownHostsFile: knownHosts, connectTimeout: 5)
        settings = settings.resolved(with: config)
        XCTAssertEqual(settings.port, target.port)
        XCTAssertEqual(settings.jumpHosts.map(\.port), [bastion.port])
        let transport = SSHTransport(settings: settings, logger: TestSSHServer.logger)
        defer { transport.close() }
        XCTAssertEqual(try transport.exec(ExecRequest("echo through")).stdoutText, "through\n")
    }
}
