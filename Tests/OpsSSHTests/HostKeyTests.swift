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

    func knownHostsError(_ settings: ConnectionSettings) -> String? {
        do {
            _ = try connect(settings)
            return nil
        } catch TransportError.hostKey(_, let reason) {
            return reason
        } catch {
            return "unexpected \(error)"
        }
    }

    func testRevokedKeyIsRefusedEvenWhenAnotherLineAcceptsIt() throws {
        let other = server.directory.path + "/other_key"
        try TestSSHServer.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other])
        let otherPublic = try String(contentsOfFile: other + ".pub", encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        var settings = server.settings()
        settings.knownHostsFile = server.directory.path + "/revoked_known_hosts"
        let accepting = "[127.0.0.1]:\(server.port) \(server.hostPublicKey)"
        // Another key's revocation changes nothing.
        try "@revoked * \(otherPublic)\n\(accepting)\n".write(
            toFile: settings.knownHostsFile, atomically: true, encoding: .utf8)
        XCTAssertEqual(try connect(settings).stdoutText, "connected\n")

        let fingerprint = try openSSHFingerprint()
        let revocations = [
            "@revoked * \(server.hostPublicKey)", "@revoked 127.0.0.1,[127.0.0.1]:* \(server.hostPublicKey)",
        ]
        for revocation in revocations {
            try "\(accepting)\n# the key leaked\n\(revocation)\n".write(
                toFile: settings.knownHostsFile, atomically: true, encoding: .utf8)
            for policy in [ConnectionSettings.HostKeyPolicy.strict, .acceptNew] {
                settings.hostKeyPolicy = policy
                let reason = try XCTUnwrap(knownHostsError(settings), "\(revocation) was not enforced")
                XCTAssertTrue(reason.contains("\(settings.knownHostsFile):3"), reason)
                XCTAssertTrue(reason.contains("@revoked"), reason)
                XCTAssertTrue(reason.contains(fingerprint), reason)
            }
        }
        // OpenSSH refuses the same file.
        XCTAssertThrowsError(
            try TestSSHServer.run(
                "/usr/bin/ssh",
                ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o",
                 "UserKnownHostsFile=\(settings.knownHostsFile)", "-i", server.clientKey, "-p", "\(server.port)",
                 "root@127.0.0.1", "true"]))

        // A hashed name on a @revoked line (ssh-keygen -H leaves marker lines alone: hash it by hand).
        let hashedFile = server.directory.path + "/hashed_revoked"
        try "\(accepting)\n".write(toFile: hashedFile, atomically: true, encoding: .utf8)
        try TestSSHServer.run("/usr/bin/ssh-keygen", ["-H", "-f", hashedFile])
        let hashed = try String(contentsOfFile: hashedFile, encoding: .utf8)
        XCTAssertTrue(hashed.hasPrefix("|1|"), hashed)
        try "\(accepting)\n@revoked \(hashed)".write(
            toFile: settings.knownHostsFile, atomically: true, encoding: .utf8)
        let reason = try XCTUnwrap(knownHostsError(settings), "a hashed @revoked line was not enforced")
        XCTAssertTrue(reason.contains("\(settings.knownHostsFile):2"), reason)
    }

    func testCertificateAuthorityLineAloneIsRefusedAsUnsupported() throws {
        let ca = server.directory.path + "/ca_key"
        try TestSSHServer.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", ca])
        let caPublic = try String(contentsOfFile: ca + ".pub", encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        var settings = server.settings()
        settings.knownHostsFile = server.directory.path + "/ca_known_hosts"
        // The host's own key behind a CA marker is still no plain host key.
        for key in [caPublic, server.hostPublicKey] {
            let contents = "# CA\n@cert-authority [127.0.0.1]:* \(key)\n"
            try contents.write(toFile: settings.knownHostsFile, atomically: true, encoding: .utf8)
            for policy in [ConnectionSettings.HostKeyPolicy.strict, .acceptNew] {
                settings.hostKeyPolicy = policy
                let reason = try XCTUnwrap(knownHostsError(settings), "a @cert-authority line was taken as a host key")
                XCTAssertTrue(reason.contains("\(settings.knownHostsFile):2"), reason)
                XCTAssertTrue(reason.contains("does not support host certificates"), reason)
            }
            XCTAssertEqual(
                try String(contentsOfFile: settings.knownHostsFile, encoding: .utf8), contents,
                "accept-new must not record a key the file expects a certificate for")
        }
        // With the plain key beside it, the CA line is irrelevant.
        try "@cert-authority * \(caPublic)\n[127.0.0.1]:\(server.port) \(server.hostPublicKey)\n".write(
            toFile: settings.knownHostsFile, atomically: true, encoding: .utf8)
        settings.hostKeyPolicy = .strict
        XCTAssertEqual(try connect(settings).stdoutText, "connected\n")
    }
}
