import Foundation
import OpsTransport
import XCTest

final class SSHExecTests: SSHServerTestCase {
    func testStatusStdoutAndStderrAreSeparate() throws {
        let result = try transport.exec(ExecRequest("echo out; echo err >&2; exit 3"))
        XCTAssertEqual(result.exitStatus, 3)
        XCTAssertNil(result.exitSignal)
        XCTAssertEqual(result.stdoutText, "out\n")
        XCTAssertEqual(result.stderrText, "err\n")
    }

    func testExitSignalIsReported() throws {
        let result = try transport.exec(ExecRequest("kill -TERM $$"))
        XCTAssertEqual(result.exitSignal, "TERM")
        XCTAssertEqual(result.exitStatus, -1)
    }

    func testStdinIsStreamedToTheCommand() throws {
        // Larger than the channel window, so the writer must wait for window adjustments.
        let input = Data((0..<(5 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let result = try transport.exec(ExecRequest("sha256sum", stdin: input))
        let expected = try TestSSHServer.run("/usr/bin/sha256sum", [], stdin: input)
        XCTAssertEqual(result.exitStatus, 0)
        XCTAssertEqual(result.stdoutText, expected)
    }

    func testTenMegabytesOfOutputOnBothStreams() throws {
        let command = "head -c 10485760 /dev/zero | tr '\\0' x; head -c 3145728 /dev/zero | tr '\\0' y >&2"
        let result = try transport.exec(ExecRequest(command))
        XCTAssertEqual(result.exitStatus, 0)
        XCTAssertEqual(result.stdout.count, 10 * 1024 * 1024)
        XCTAssertEqual(result.stderr.count, 3 * 1024 * 1024)
        XCTAssertTrue(result.stdout.allSatisfy { $0 == UInt8(ascii: "x") })
    }

    func testEchoingTenMegabytesBackDoesNotDeadlock() throws {
        // The command writes as it reads: stdin must be written while stdout is drained.
        let input = Data(repeating: UInt8(ascii: "z"), count: 10 * 1024 * 1024)
        let result = try transport.exec(ExecRequest("cat; cat /dev/null >&2", stdin: input, timeout: 60))
        XCTAssertEqual(result.exitStatus, 0)
        XCTAssertEqual(result.stdout, input)
    }

    func testCallbacksStreamOutputAsItArrives() throws {
        let chunks = Collected()
        let result = try transport.exec(
            ExecRequest(
                "for i in 1 2 3; do echo line$i; sleep 0.2; done; echo warn >&2",
                onStdout: { chunks.append($0) }, onStderr: { chunks.appendError($0) }))
        XCTAssertGreaterThanOrEqual(chunks.count, 3, "output should arrive in several chunks, not at the end")
        XCTAssertEqual(chunks.stdout, result.stdout)
        XCTAssertEqual(String(decoding: chunks.stderr, as: UTF8.self), "warn\n")
    }

    func testOneSessionServesEveryCommand() throws {
        // SSH_CONNECTION names the client's source port: one session, one port.
        var seen = Set<String>()
        for _ in 0..<10 {
            seen.insert(try transport.exec(ExecRequest("echo $SSH_CONNECTION")).stdoutText)
        }
        XCTAssertEqual(seen.count, 1)
    }

    func testCommandTimeoutIsReportedAndTheSessionStaysUsable() throws {
        let started = Date()
        XCTAssertThrowsError(try transport.exec(ExecRequest("sleep 20", timeout: 1))) { error in
            guard case TransportError.timeout(let host, let command, _) = error else {
                return XCTFail("expected a timeout, got \(error)")
            }
            XCTAssertEqual(host, "testhost")
            XCTAssertEqual(command, "sleep 20")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 4)
        XCTAssertEqual(try transport.exec(ExecRequest("echo still here")).stdoutText, "still here\n")
    }

    func testSessionDroppedWhileIdleIsReopenedForTheNextCommand() throws {
        // The shell's parent is this session's sshd process: killing it drops the connection.
        let sessionProcess = try XCTUnwrap(Int32(transport.exec(ExecRequest("echo $PPID")).stdoutText.dropLast()))
        let firstConnection = try transport.exec(ExecRequest("echo $SSH_CONNECTION")).stdoutText
        // SIGKILL: sshd's session process sometimes outlived a SIGTERM here by seconds.
        XCTAssertEqual(kill(sessionProcess, SIGKILL), 0)
        // Gone for good (its socket closed with it), however loaded the machine: a drop that
        // happens while a command is on its way is a failure of that command, not a reconnect.
        for _ in 0..<250 where kill(sessionProcess, 0) == 0 { usleep(20_000) }
        usleep(100_000)
        let result = try transport.exec(ExecRequest("echo $SSH_CONNECTION"))
        XCTAssertEqual(result.exitStatus, 0)
        XCTAssertNotEqual(result.stdoutText, firstConnection, "a new connection was made")
    }

    func testParallelHostsEachWithItsOwnSession() throws {
        let transports = (0..<6).map { index in
            SSHTransport(settings: server.settings(name: "host\(index)"), logger: TestSSHServer.logger)
        }
        let failures = Collected()
        // A thread per host, as the engine does (concurrentPerform would cap at the core count):
        // all six sessions are open and busy at once.
        let group = DispatchGroup()
        for (index, transport) in transports.enumerated() {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    for round in 0..<10 {
                        let result = try transport.exec(ExecRequest("echo \(index)-\(round)"))
                        if result.stdoutText != "\(index)-\(round)\n" {
                            failures.appendError(Data("host\(index): got \(result.stdoutText)".utf8))
                        }
                    }
                } catch {
                    failures.appendError(Data("host\(index): \(error)".utf8))
                }
            }.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 120), .success)
        XCTAssertEqual(String(decoding: failures.stderr, as: UTF8.self), "")
        let connections = try Set(transports.map { try $0.exec(ExecRequest("echo $SSH_CONNECTION")).stdoutText })
        XCTAssertEqual(connections.count, transports.count, "one session per host")
        transports.forEach { $0.close() }
    }
}

/// Collects callback data from any thread.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var stdout = Data()
    private(set) var stderr = Data()
    private(set) var count = 0

    func append(_ data: Data) {
        lock.lock()
        stdout.append(data)
        count += 1
        lock.unlock()
    }

    func appendError(_ data: Data) {
        lock.lock()
        stderr.append(data)
        lock.unlock()
    }
}
