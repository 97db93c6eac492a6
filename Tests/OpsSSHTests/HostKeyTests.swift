import Foundation
import OpsTransport
import XCTest

final class HostKeyTests: XCTestCase {
    var server: TestSSHServer!

    override func setUpWithError() throws {
        server = try TestSSHServer()
    }

    override func tearDown() {
        server?.stop()
    }

    /// The fingerprint as OpenSSH computes it, to compare our messages with.
    func openSSHFingerprint() throws -> String {
        let output = try TestSSHServer.run(
            "/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", server.directory.path + "/host_key.pub"])
        return String(output.split(separator: " ")[1])
    }

    func connect(_ settings: ConnectionSettings) throws -> CommandResult {
        let transport = SSHTransport(settings: settings, logger: TestSSHServer.logger)
        defer { transport.close() }
        return try transport.exec(ExecRequest("echo connected"))
    }

    func testUnknownHostKeyIsRefusedWithFingerprint() throws {
        var settings = server.settings()
        settings.knownHostsFile = server.directory.path + "/empty_known_hosts"
        try "".write(toFile: settings.knownHostsFile, atomically: true, encoding: .utf8)
        let fingerprint = try openSSHFingerprint()
        XCTAssertThrowsError(try connect(settings)) { error in
            guard case TransportError.hostKey(let host, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(host, "testhost")
            XCTAssertTrue(reason.contains("[127.0.0.1]:\(server.port)"), reason)
            XCTAssertTrue(reason.contains("ssh-ed25519"), reason)
            XCTAssertTrue(reason.contains(fingerprint), "\(reason) should contain \(fingerprint)")
            XCTAssertTrue(reason.contains("is not in"), reason)
        }
        // Nothing was recorded under the strict policy.
        XCTAssertEqual(try String(contentsOfFile: settings.knownHostsFile, encoding: .utf8), "")
    }

    func testChangedHostKeyIsRefusedWithFingerprint() throws {
        let other = server.directory.path + "/other_key"
        try TestSSHServer.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other])
        let otherPublic = try String(contentsOfFile: other + ".pub", encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        var settings = server.settings()
        settings.knownHostsFile = server.directory.path + "/changed_known_hosts"
        try "[127.0.0.1]:\(server.port) \(otherPublic)\n".write(
            toFile: settings.knownHostsFile, atomically: true, encoding: .utf8)
        let fingerprint = try openSSHFingerprint()
        for policy in [ConnectionSettings.HostKeyPolicy.strict, .acceptNew] {
            settings.hostKeyPolicy = policy
            XCTAssertThrowsError(try connect(settings)) { error in
                guard case TransportError.hostKey(_, let reason) = error else { return XCTFail("got \(error)") }
                XCTAssertTrue(reason.contains(fingerprint), reason)
                XCTAssertTrue(reason.contains("differs"), reason)
                XCTAssertTrue(reason.contains("ssh-keygen -R"), reason)
            }
        }
        // accept-new never replaces a changed key.
        XCTAssertEqual(
            try String(contentsOfFile: settings.knownHostsFile, encoding: .utf8),
            "[127.0.0.1]:\(server.port) \(otherPublic)\n")
    }

    func testHashedKnownHostsEntryIsAccepted() throws {
        var settings = server.settings()
        settings.knownHostsFile = server.directory.path + "/hashed_known_hosts"
        // Lines libssh2 cannot read (a CA marker) must not hide the ones after them.
        let lines = [
            "# comment line",
            "@cert-authority *.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBogus",
            "[127.0.0.1]:\(server.port) \(server.hostPublicKey)",
        ]
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: settings.knownHostsFile, atomically: true, encoding: .utf8)
        try TestSSHServer.run("/usr/bin/ssh-keygen", ["-H", "-f", settings.knownHostsFile])
        let hashed = try String(contentsOfFile: settings.knownHostsFile, encoding: .utf8)
        XCTAssertTrue(hashed.contains("|1|"), "ssh-keygen -H should have hashed the name: \(hashed)")
        XCTAssertFalse(hashed.contains("127.0.0.1"))
        XCTAssertEqual(try connect(settings).stdoutText, "connected\n")
    }

    func testBareHostEntryDoesNotCoverAnotherPort() throws {
        // OpenSSH keys non-22 ports as [host]:port; a bare name must not match them.
        var settings = server.settings()
        settings.knownHostsFile = server.directory.path + "/bare_known_hosts"
        try "127.0.0.1 \(server.hostPublicKey)\n".write(
            toFile: settings.knownHostsFile, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try connect(settings)) { error in
            guard case TransportError.hostKey = error else { return XCTFail("got \(error)") }
        }
    }

    func testAcceptNewRecordsTheKeyThenAcceptsIt() throws {
        var settings = server.settings()
        settings.knownHostsFile = server.directory.path + "/new/dir/known_hosts"
        settings.hostKeyPolicy = .acceptNew
        XCTAssertEqual(try connect(settings).stdoutText, "connected\n")
        let recorded = try String(contentsOfFile: settings.knownHostsFile, encoding: .utf8)
        XCTAssertEqual(recorded, "[127.0.0.1]:\(server.port) \(server.hostPublicKey)\n")
        // OpenSSH reads what we wrote.
        let found = try TestSSHServer.run(
            "/usr/bin/ssh-keygen", ["-F", "[127.0.0.1]:\(server.port)", "-f", settings.knownHostsFile])
        XCTAssertTrue(found.contains(server.hostPublicKey))
        settings.hostKeyPolicy = .strict
        XCTAssertEqual(try connect(settings).stdoutText, "connected\n")
        XCTAssertEqual(try String(contentsOfFile: settings.knownHostsFile, encoding: .utf8), recorded)
    }

    func testServerIsAskedForTheKeyTypeKnownHostsHolds() throws {
        // The server has ECDSA and Ed25519 keys and known_hosts holds one of them: that type
        // must be negotiated (as OpenSSH does) rather than the host being called unknown.
        let server = try TestSSHServer(hostKeyType: "ecdsa", extraHostKeyTypes: ["ed25519"])
        defer { server.stop() }
        let ed25519 = try XCTUnwrap(server.extraHostPublicKeys["ed25519"])
        for (name, key) in [("ed25519", ed25519), ("ecdsa", server.hostPublicKey)] {
            var settings = server.settings()
            settings.knownHostsFile = server.directory.path + "/\(name)_only_known_hosts"
            try "[127.0.0.1]:\(server.port) \(key)\n".write(
                toFile: settings.knownHostsFile, atomically: true, encoding: .utf8)
            XCTAssertEqual(try connect(settings).stdoutText, "connected\n", "with only the \(name) key known")
        }
    }
}
