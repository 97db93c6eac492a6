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

    func testSSHAgentIsUsedWhenNoKeyFileIsNamed() throws {
        try requirePrerequisite(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-agent"),
            "ssh-agent is needed: apt-get install -y openssh-client")
        let socket = server.directory.path + "/agent.sock"
        // The agent daemon keeps every fd it inherits, Foundation's process-watching socket
        // included, and Process.waitUntilExit would then wait for the agent: close them first.
        let envFile = server.directory.path + "/agent.env"
        let start =
            "for fd in /proc/$$/fd/*; do n=${fd##*/}; [ \"$n\" -gt 2 ] && eval \"exec $n>&-\"; done; "
            + "exec /usr/bin/ssh-agent -s -a '\(socket)' > '\(envFile)' 2>&1 < /dev/null"
        try TestSSHServer.run("/bin/bash", ["-c", start])
        let output = try String(contentsOfFile: envFile, encoding: .utf8)
        let pidText = try XCTUnwrap(
            output.components(separatedBy: "SSH_AGENT_PID=").dropFirst().first?.prefix { $0.isNumber })
        let agentPid = try XCTUnwrap(Int32(pidText))
        defer { kill(agentPid, SIGTERM) }
        try TestSSHServer.run("/usr/bin/env", ["SSH_AUTH_SOCK=\(socket)", "/usr/bin/ssh-add", "-q", server.clientKey])

        // No key files named, and a HOME without ~/.ssh keys: only the agent can let us in.
        let saved = (ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"], ProcessInfo.processInfo.environment["HOME"])
        setenv("SSH_AUTH_SOCK", socket, 1)
        setenv("HOME", server.directory.path, 1)
        defer {
            if let sock = saved.0 { setenv("SSH_AUTH_SOCK", sock, 1) } else { unsetenv("SSH_AUTH_SOCK") }
            if let home = saved.1 { setenv("HOME", home, 1) } else { unsetenv("HOME") }
        }
        var settings = server.settings()
        settings.identityFiles = []
        let transport = SSHTransport(settings: settings, logger: TestSSHServer.logger)
        defer { transport.close() }
        XCTAssertEqual(try transport.exec(ExecRequest("echo via agent")).stdoutText, "via agent\n")

        // With the agent emptied, the refusal says what was tried.
        try TestSSHServer.run("/usr/bin/env", ["SSH_AUTH_SOCK=\(socket)", "/usr/bin/ssh-add", "-q", "-D"])
        XCTAssertThrowsError(try SSHTransport(settings: settings, logger: TestSSHServer.logger).connect()) { error in
            guard case TransportError.authentication(_, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(reason.contains("tried: ssh-agent"), reason)
        }
    }
}
