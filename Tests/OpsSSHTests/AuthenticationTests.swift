import Foundation
import OpsTransport
import XCTest

final class AuthenticationTests: XCTestCase {
    var server: TestSSHServer!

    override func setUpWithError() throws {
        server = try TestSSHServer()
    }

    override func tearDown() {
        server?.stop()
    }

    func testWrongKeyIsRefusedNamingUserAndOfferedMethods() throws {
        let wrong = server.directory.path + "/wrong_key"
        try TestSSHServer.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", wrong])
        var settings = server.settings(user: "root")
        settings.identityFiles = [wrong]
        let transport = SSHTransport(settings: settings, logger: TestSSHServer.logger)
        XCTAssertThrowsError(try transport.connect()) { error in
            guard case TransportError.authentication(let host, let reason) = error else {
                return XCTFail("got \(error)")
            }
            XCTAssertEqual(host, "testhost")
            XCTAssertTrue(reason.contains("user root"), reason)
            XCTAssertTrue(reason.contains("offers: publickey"), reason)
            XCTAssertTrue(reason.contains(wrong), reason)
            XCTAssertTrue((error as? TransportError)?.isUnreachable == true)
        }
    }

    func testMissingKeyFileIsNamed() throws {
        var settings = server.settings()
        settings.identityFiles = [server.directory.path + "/no_such_key"]
        XCTAssertThrowsError(try SSHTransport(settings: settings, logger: TestSSHServer.logger).connect()) { error in
            guard case TransportError.authentication(_, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(reason.contains("no_such_key (missing or unreadable)"), reason)
        }
    }

    func testPassphraseFromEnvironmentVariable() throws {
        let key = server.directory.path + "/protected_key"
        try TestSSHServer.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "s3cret phrase", "-f", key])
        let authorized = try String(contentsOfFile: key + ".pub", encoding: .utf8)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: server.directory.path + "/authorized_keys"))
        try handle.seekToEnd()
        handle.write(Data(authorized.utf8))
        try handle.close()

        var settings = server.settings()
        settings.identityFiles = [key]
        settings.passphraseEnvironmentVariable = "OPSCTL_TEST_KEY_PASSPHRASE"
        unsetenv("OPSCTL_TEST_KEY_PASSPHRASE")
        XCTAssertThrowsError(try SSHTransport(settings: settings, logger: TestSSHServer.logger).connect()) { error in
            XCTAssertTrue("\(error)".contains("OPSCTL_TEST_KEY_PASSPHRASE is not set"), "\(error)")
        }
        setenv("OPSCTL_TEST_KEY_PASSPHRASE", "wrong", 1)
        XCTAssertThrowsError(try SSHTransport(settings: settings, logger: TestSSHServer.logger).connect()) { error in
            guard case TransportError.authentication(_, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(reason.contains("protected_key"), reason)
        }
        setenv("OPSCTL_TEST_KEY_PASSPHRASE", "s3cret phrase", 1)
        defer { unsetenv("OPSCTL_TEST_KEY_PASSPHRASE") }
        let transport = SSHTransport(settings: settings, logger: TestSSHServer.logger)
        XCTAssertEqual(try transport.exec(ExecRequest("echo in")).stdoutText, "in\n")
    }

    func testNothingListeningIsUnreachableAtOnce() throws {
        var settings = server.settings()
        settings.port = try TestSSHServer.freePort()
        let started = Date()
        XCTAssertThrowsError(try SSHTransport(settings: settings, logger: TestSSHServer.logger).connect()) { error in
            guard case TransportError.unreachable(let host, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(host, "testhost")
            XCTAssertTrue(reason.contains("refused"), reason)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
    }
}
