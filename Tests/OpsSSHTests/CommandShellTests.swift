import Foundation
@testable import OpsTransport
import XCTest

/// The persistent command shell (`CommandShell`) against a real sshd: one /bin/sh per session
/// runs every eligible command, with the results a channel of their own would give.
final class CommandShellTests: SSHServerTestCase {
    private func run(_ command: String, stdin: Data? = nil, timeout: Double? = nil) throws -> CommandResult {
        try transport.exec(ExecRequest(command, stdin: stdin, timeout: timeout))
    }

    /// The pid of the shell running commands (`$$` in a subshell is its shell's).
    private func shellPID() throws -> String { try run("echo $$").stdoutText }

    func testCommandsShareOneShellAndAChannelPerCommandWhenTurnedOff() throws {
        let first = try shellPID()
        XCTAssertEqual(try shellPID(), first, "the second command ran in the same shell")
        var settings = server.settings()
        settings.commandShell = false
        let channels = SSHTransport(settings: settings, logger: TestSSHServer.logger)
        defer { channels.close() }
        let a = try channels.exec(ExecRequest("echo $$")).stdoutText
        let b = try channels.exec(ExecRequest("echo $$")).stdoutText
        XCTAssertNotEqual(a, b, "without the shell each command is a process of its own")
    }

    func testNothingACommandSetsReachesTheNext() throws {
        let home = try run("pwd").stdoutText
        let first = try run("cd /tmp; X=1; export Y=2; umask 077; set -e; trap 'echo trapped' EXIT; alias ll=ls; pwd")
        XCTAssertEqual(first.stdoutText, "/tmp\ntrapped\n")
        let second = try run("pwd; echo \"${X:-unset} ${Y:-unset}\"; umask; alias ll 2>/dev/null || echo no-alias; false; echo after-false")
        XCTAssertEqual(second.stdoutText, home + "unset unset\n0022\nno-alias\nafter-false\n")
    }

    func testOutputIsExactWithOrWithoutAFinalNewline() throws {
        for text in ["", "abc", "abc\n", "abc\n\n", "\n", "a\nb"] {
            let quoted = "'" + text.replacingOccurrences(of: "\n", with: "\\n") + "'"
            let result = try run("printf \(quoted); printf \(quoted) >&2")
            XCTAssertEqual(result.stdoutText, text, "stdout of printf \(quoted)")
            XCTAssertEqual(result.stderrText, text, "stderr of printf \(quoted)")
            XCTAssertEqual(result.exitStatus, 0)
        }
    }

    func testExitStatusesComeBackAsTheCommandSetThem() throws {
        XCTAssertEqual(try run("exit 7").exitStatus, 7)
        XCTAssertEqual(try run("false").exitStatus, 1)
        XCTAssertEqual(try run("exit 0").exitStatus, 0)
        XCTAssertEqual(try run("/nonexistent/tool").exitStatus, 127)
        // A status above 128 a command chose is reported as is.
        XCTAssertEqual(try run("exit 200").exitStatus, 200)
    }

    func testEveryByteButNULCrossesInTheCommandAndOnStdin() throws {
        let bytes = Data((1...255).map { UInt8($0) })
        let echoed = try run("cat", stdin: bytes)
        XCTAssertEqual(echoed.stdout, bytes)
        // The same bytes inside the command text: single quotes and backslashes included.
        var text = Data("printf '%s' ".utf8)
        CommandShell.appendQuoted(bytes, to: &text)
        let printed = try run(String(decoding: text, as: UTF8.self))
        XCTAssertEqual(printed.stdout, Data(String(decoding: bytes, as: UTF8.self).utf8))
        // UTF-8 text with quotes and shell metacharacters.
        let input = "héllo → wörld 'q' \"d\" \\ $x `y` ;|&\n"
        XCTAssertEqual(try run("cat", stdin: Data(input.utf8)).stdoutText, input)
    }

    func testInputTheShellCannotCarryStillReachesTheCommand() throws {
        // NUL bytes and input over the inline limit go through a channel of their own.
        let binary = Data([0, 1, 2, 0, 255, 0])
        XCTAssertEqual(try run("od -An -tx1", stdin: binary).stdoutText.split(separator: " ").joined(separator: " "),
            "00 01 02 00 ff 00\n")
        let large = Data((0..<(CommandShell.maxInlineInput * 3)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let expected = try TestSSHServer.run("/usr/bin/sha256sum", [], stdin: large)
        XCTAssertEqual(try run("sha256sum", stdin: large).stdoutText, expected)
        // A command that reads none of its inline input is not left waiting on it.
        XCTAssertEqual(try run("echo ignored", stdin: Data(repeating: 65, count: 30_000)).stdoutText, "ignored\n")
    }

    func testASyntaxErrorStaysInItsCommand() throws {
        let shell = try shellPID()
        let result = try run("echo 'unterminated")
        XCTAssertEqual(result.exitStatus, 2)
        XCTAssertTrue(result.stderrText.contains("Unterminated"), result.stderrText)
        XCTAssertEqual(try shellPID(), shell, "the shell survived the error")
    }

    func testACommandThatKillsTheShellIsReportedAndTheNextGetsANewOne() throws {
        let shell = try shellPID()
        let killed = try run("echo before; kill -TERM $$")
        XCTAssertEqual(killed.exitSignal, "TERM")
        XCTAssertEqual(killed.exitStatus, -1)
        XCTAssertEqual(killed.stdoutText, "before\n")
        let next = try shellPID()
        XCTAssertNotEqual(next, shell)
        XCTAssertEqual(try run("echo fine").stdoutText, "fine\n")
    }

    func testASignalledCommandReportsTheShellsStatusAndNoShellNoise() throws {
        // As the command and shell modules run programs: exec'd, so the subshell is the program.
        let result = try run("exec sh -c 'kill -TERM $$'")
        XCTAssertEqual(result.exitStatus, 128 + 15)
        XCTAssertEqual(result.stderrText, "", "the shell's own 'Terminated' stays out of the command's stderr")
    }

    func testOutputWrittenAfterACommandReturnedIsNotGivenToTheNext() throws {
        let started = Date()
        // The background writer keeps the command's stdout open: the command still returns at once.
        XCTAssertEqual(try run("(sleep 0.5; echo late; echo late-err >&2) & echo now").stdoutText, "now\n")
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.45)
        usleep(900_000)
        let next = try run("echo next")
        XCTAssertEqual(next.stdoutText, "next\n")
        XCTAssertEqual(next.stderrText, "")
    }

    func testATimedOutCommandLeavesAWorkingShellForTheNext() throws {
        let shell = try shellPID()
        XCTAssertThrowsError(try run("sleep 20", timeout: 1)) { error in
            guard case TransportError.timeout = error else { return XCTFail("expected a timeout, got \(error)") }
        }
        XCTAssertNotEqual(try shellPID(), shell, "the busy shell was left behind")
        XCTAssertEqual(try run("echo ok").stdoutText, "ok\n")
    }

    func testALoginShellThatCannotStartTheShellFallsBackToChannels() throws {
        try requirePrerequisite(getuid() == 0, "creates a user with a restricted login shell; needs root")
        try requirePrerequisite(FileManager.default.fileExists(atPath: "/bin/rbash"), "/bin/rbash")
        let user = "opsctl-rbash"
        if (try? TestSSHServer.run("/usr/bin/id", [user])) == nil {
            try TestSSHServer.run("/usr/sbin/useradd", ["-m", "-s", "/bin/rbash", user])
        }
        // A locked account (no password at all) is refused even with a key: give it one nobody knows.
        try TestSSHServer.run("/usr/sbin/chpasswd", [], stdin: Data("\(user):\(UUID().uuidString)\n".utf8))
        // rbash refuses `exec` and redirections: the shell cannot start, each command runs as sent.
        let restricted = SSHTransport(settings: server.settings(user: user), logger: TestSSHServer.logger)
        defer { restricted.close() }
        let first = try restricted.exec(ExecRequest("echo $0; echo one"))
        XCTAssertEqual(first.stdoutText, "rbash\none\n")
        XCTAssertEqual(try restricted.exec(ExecRequest("echo two")).stdoutText, "two\n")
    }

    func testTenMegabytesOfOutputThroughTheShell() throws {
        let result = try run("head -c 10485760 /dev/zero | tr '\\0' x; head -c 3145728 /dev/zero | tr '\\0' y >&2")
        XCTAssertEqual(result.stdout.count, 10 * 1024 * 1024)
        XCTAssertEqual(result.stderr.count, 3 * 1024 * 1024)
        XCTAssertTrue(result.stderr.allSatisfy { $0 == UInt8(ascii: "y") })
    }
}

/// The framing alone: requests as sh reads them, answers cut out of streams however they arrive.
final class CommandShellFramingTests: XCTestCase {
    let shell = CommandShell(nonce: "opsctl-n0nce")

    func testRequestQuotesTheCommandAndKeepsItsInputApart() {
        let plain = String(decoding: shell.request("echo 'a b'", stdin: nil), as: UTF8.self)
        XCTAssertEqual(
            plain,
            "( eval 'echo '\\''a b'\\''' ) </dev/null 2>&4 4>&-; printf '\\n%s %d\\n' opsctl-n0nce \"$?\"; "
                + "printf '\\n%s\\n' opsctl-n0nce >&4\n")
        let fed = String(decoding: shell.request("cat", stdin: Data("it's".utf8)), as: UTF8.self)
        XCTAssertTrue(fed.hasPrefix("printf %s 'it'\\''s' | ( eval 'cat' ) 2>&4 4>&-;"), fed)
    }

    func testWhatTheShellCannotCarryIsRefused() {
        XCTAssertTrue(CommandShell.accepts(ExecRequest("true")))
        XCTAssertTrue(CommandShell.accepts(ExecRequest("cat", stdin: Data("x".utf8))))
        XCTAssertFalse(CommandShell.accepts(ExecRequest("cat", stdin: Data([0x41, 0]))))
        XCTAssertFalse(CommandShell.accepts(ExecRequest("cat", stdin: Data(count: CommandShell.maxInlineInput + 1))))
        XCTAssertFalse(CommandShell.accepts(ExecRequest("echo", onStdout: { _ in })))
        XCTAssertFalse(CommandShell.accepts(ExecRequest("echo", ownChannel: true)))
        XCTAssertFalse(CommandShell.accepts(Become(user: "root", password: "pw").wrap(ExecRequest("id"))))
        XCTAssertTrue(CommandShell.accepts(Become(user: "root").wrap(ExecRequest("id"))))
    }

    func testAnAnswerSplitAnywhereIsCutAtItsMarkers() {
        let stdout = Data("out\nno newline".utf8) + Data("\nopsctl-n0nce 3\n".utf8)
        let stderr = Data("err".utf8) + Data("\nopsctl-n0nce\n".utf8)
        for cut in 0...stdout.count {
            var answer = CommandShellAnswer(shell: shell)
            answer.receive(stdout: Data(stdout.prefix(cut)))
            answer.receive(stderr: Data(stderr.prefix(min(cut, stderr.count))))
            XCTAssertEqual(answer.isComplete, cut == stdout.count, "cut at \(cut)")
            answer.receive(stdout: Data(stdout.dropFirst(cut)))
            answer.receive(stderr: Data(stderr.dropFirst(min(cut, stderr.count))))
            XCTAssertTrue(answer.isComplete)
            XCTAssertEqual(answer.status, 3)
            XCTAssertEqual(String(decoding: answer.commandStdout, as: UTF8.self), "out\nno newline")
            XCTAssertEqual(String(decoding: answer.commandStderr, as: UTF8.self), "err")
        }
    }

    func testTwoAnswersInOneStreamAreTakenApart() {
        var first = CommandShellAnswer(shell: shell)
        first.receive(stdout: Data("\nopsctl-n0nce 0\nsecond\nopsctl-n0nce 1\n".utf8))
        first.receive(stderr: Data("\nopsctl-n0nce\nwarn\nopsctl-n0nce\n".utf8))
        XCTAssertEqual(first.status, 0)
        XCTAssertEqual(first.commandStdout, Data())
        let second = first.remainder()
        XCTAssertTrue(second.isComplete)
        XCTAssertEqual(second.status, 1)
        XCTAssertEqual(String(decoding: second.commandStdout, as: UTF8.self), "second")
        XCTAssertEqual(String(decoding: second.commandStderr, as: UTF8.self), "warn")
    }
}
