import Foundation
import Logging
import OpsTransport
import XCTest

/// Runs sudo for real: a test user with a sudo password logs in to the test sshd.
final class BecomeTests: XCTestCase {
    static let user = "opsctl-become"
    static let password = "Become-Test-pw-7"
    var server: TestSSHServer!

    // MARK: - Against sshd and the real sudo

    override func setUpWithError() throws {
        try requirePrerequisite(getuid() == 0, "become tests create a user and need root")
        try requirePrerequisite(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/sudo"), "sudo is needed: apt-get install -y sudo")
        if (try? TestSSHServer.run("/usr/bin/id", [Self.user])) == nil {
            try TestSSHServer.run("/usr/sbin/useradd", ["-m", "-s", "/bin/sh", Self.user])
        }
        try TestSSHServer.run("/usr/sbin/chpasswd", [], stdin: Data("\(Self.user):\(Self.password)\n".utf8))
        try "\(Self.user) ALL=(ALL:ALL) ALL\n".write(
            toFile: "/etc/sudoers.d/opsctl-become-test", atomically: true, encoding: .utf8)
        chmod("/etc/sudoers.d/opsctl-become-test", 0o440)
        server = try TestSSHServer()
    }

    override func tearDown() {
        server?.stop()
        try? FileManager.default.removeItem(atPath: "/etc/sudoers.d/opsctl-become-test")
    }

    func testBecomeRootWithPasswordKeepsStdinForTheCommand() throws {
        let logs = LogCapture()
        let transport = SSHTransport(settings: server.settings(user: Self.user), logger: logs.logger)
        defer { transport.close() }
        let become = Become(user: "root", password: Self.password)
        let result = try transport.exec(
            become.wrap(ExecRequest("id -un; cat; echo done >&2", stdin: Data("from stdin".utf8))))
        XCTAssertEqual(result.exitStatus, 0)
        XCTAssertEqual(result.stdoutText, "root\nfrom stdin")
        XCTAssertEqual(result.stderrText, "done\n")
        XCTAssertFalse(logs.text.isEmpty, "debug logs were captured")
        XCTAssertFalse(logs.text.contains(Self.password), "the password must never be logged")
        // The login user itself stays unprivileged.
        XCTAssertEqual(try transport.exec(ExecRequest("id -un")).stdoutText, "\(Self.user)\n")
    }

    func testWrongPasswordIsReportedNotHung() throws {
        let transport = SSHTransport(settings: server.settings(user: Self.user), logger: TestSSHServer.logger)
        defer { transport.close() }
        let started = Date()
        XCTAssertThrowsError(
            try transport.exec(Become(user: "root", password: "wrong").wrap(ExecRequest("id -u", timeout: 30)))
        ) { error in
            guard case TransportError.become(let host, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(host, "testhost")
            XCTAssertTrue(reason.contains("incorrect password"), reason)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 15)
    }

    func testMissingPasswordIsReported() throws {
        let transport = SSHTransport(settings: server.settings(user: Self.user), logger: TestSSHServer.logger)
        defer { transport.close() }
        XCTAssertThrowsError(try transport.exec(Become(user: "root").wrap(ExecRequest("id -u", timeout: 30)))) {
            error in
            guard case TransportError.become(_, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(reason.contains("needs a password"), reason)
        }
    }

    func testPasswordIsNotFedToACommandWhenSudoDoesNotAsk() throws {
        // root's sudo never prompts: the password must not end up in the command's stdin.
        let transport = SSHTransport(settings: server.settings(user: "root"), logger: TestSSHServer.logger)
        defer { transport.close() }
        let become = Become(user: Self.user, password: "unused-password")
        let result = try transport.exec(become.wrap(ExecRequest("id -un; cat", stdin: Data("only this".utf8))))
        XCTAssertEqual(result.stdoutText, "\(Self.user)\nonly this")
    }

    func testCommandFailureUnderBecomeIsAnOrdinaryResult() throws {
        let transport = SSHTransport(settings: server.settings(user: Self.user), logger: TestSSHServer.logger)
        defer { transport.close() }
        let result = try transport.exec(Become(password: Self.password).wrap(ExecRequest("echo oops >&2; exit 4")))
        XCTAssertEqual(result.exitStatus, 4)
        XCTAssertEqual(result.stderrText, "oops\n")
    }
}

/// The command builder alone: no host needed.
final class BecomeCommandTests: XCTestCase {
    func testCommandWrapsInSudoWithAUniquePrompt() {
        let become = Become(user: "postgres", password: "secret", token: "abc123")
        let command = become.command("echo 'it''s' \"$HOME\"")
        XCTAssertEqual(
            command,
            "sudo -H -S -p '[opsctl-sudo-abc123] password: ' -u postgres /bin/sh -c "
                + "'echo OPSCTL-BECOME-abc123; echo '\\''it'\\'''\\''s'\\'' \"$HOME\"'")
        XCTAssertFalse(command.contains("secret"))
        XCTAssertNotEqual(Become().token, Become().token)
    }

    func testWithoutPasswordSudoMustNotPrompt() {
        XCTAssertEqual(
            Become(user: "root", token: "t").command("true"),
            "sudo -H -n -u root /bin/sh -c 'echo OPSCTL-BECOME-t; true'")
    }

    func testFailureExplanations() {
        XCTAssertTrue(
            Become.explain(stderr: "sudo: 1 incorrect password attempt", user: "root").contains("incorrect password"))
        XCTAssertTrue(Become.explain(stderr: "sudo: a password is required", user: "root").contains("needs a password"))
        XCTAssertTrue(
            Become.explain(stderr: "bob is not in the sudoers file.", user: "root").contains("may not use sudo"))
    }
}

/// Collects every log line and its metadata, to check what was (not) logged.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return lines.joined(separator: "\n")
    }

    var logger: Logger {
        var logger = Logger(label: "capture") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    func add(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.add("\(event.message) \(all)")
        }
    }
}
