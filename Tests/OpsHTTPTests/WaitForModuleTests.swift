import Foundation
import Jinja
import OpsEngine
import OpsHTTP
import XCTest

/// `wait_for` end to end on `localhost` (ansible_connection=local): real ports, real files.
final class WaitForModuleTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = try makeTempDir("opshttp-waitfor")
    }

    override func tearDown() {
        if let dir { try? FileManager.default.removeItem(atPath: dir) }
    }

    /// Runs `body` on another thread after `seconds`, while the playbook waits.
    func after(_ seconds: Double, _ body: @escaping () -> Void) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: body)
    }

    func testPortThatOpensLater() throws {
        let port = try TestServer.freePort()
        let late = try TestServer(delayedOn: port, delay: 1.5)
        defer { late.stop() }
        let start = Date()
        let run = try runPlaybook(
            """
            - name: wait
              wait_for:
                port: \(port)
                timeout: 20
            """)
        XCTAssertEqual(run.code, 0)
        let r = try run.result("wait")
        XCTAssertEqual(r["failed"], .bool(false))
        XCTAssertEqual(r["changed"], .bool(false))
        XCTAssertEqual(r["state"], .string("started"))
        XCTAssertEqual(r["port"], .int(port))
        XCTAssertEqual(r["path"], Value.none)
        XCTAssertEqual(r["match_groups"], .list([]))
        XCTAssertGreaterThanOrEqual(r["elapsed"]?.intValue ?? -1, 1)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
    }

    func testPortThatNeverOpensTimesOut() throws {
        let port = try TestServer.freePort()
        let start = Date()
        let run = try runPlaybook(
            """
            - name: wait
              wait_for: port=\(port) timeout=2
              ignore_errors: true
            - name: custom message
              wait_for:
                port: \(port)
                host: localhost
                timeout: 1
                msg: "service on {{ \(port) }} did not come up"
              ignore_errors: true
            """)
        let elapsed = Date().timeIntervalSince(start)
        let r = try run.result("wait")
        XCTAssertEqual(r["failed"], .bool(true))
        XCTAssertEqual(r["msg"], .string("Timeout when waiting for 127.0.0.1:\(port)"))
        XCTAssertGreaterThanOrEqual(r["elapsed"]?.intValue ?? -1, 1)
        XCTAssertEqual(try run.result("custom message")["msg"], .string("service on \(port) did not come up"))
        XCTAssertGreaterThan(elapsed, 2.5)
        XCTAssertLessThan(elapsed, 8)
    }

    func testPortStopped() throws {
        let server = try TestServer()
        after(1) { server.stop() }
        let run = try runPlaybook(
            """
            - name: stopped
              wait_for:
                port: \(server.port)
                state: stopped
                timeout: 15
            """)
        XCTAssertEqual(run.code, 0)
        XCTAssertFalse(server.process.isRunning)
        XCTAssertEqual(try run.result("stopped")["state"], .string("stopped"))

        let running = try TestServer()
        defer { running.stop() }
        let stays = try runPlaybook(
            """
            - name: still up
              wait_for: port=\(running.port) state=stopped timeout=1
              ignore_errors: true
            """)
        XCTAssertEqual(
            try stays.result("still up")["msg"], .string("Timeout when waiting for 127.0.0.1:\(running.port) to stop."))
    }

    func testFileAppearsAndIsRemoved() throws {
        let path = dir + "/ready.flag"
        after(1) { FileManager.default.createFile(atPath: path, contents: Data()) }
        let run = try runPlaybook(
            """
            - name: appears
              wait_for:
                path: \(path)
                timeout: 15
            """)
        XCTAssertEqual(run.code, 0)
        let r = try run.result("appears")
        XCTAssertEqual(r["path"], .string(path))
        XCTAssertEqual(r["port"], Value.none)
        XCTAssertEqual(r["state"], .string("started"))

        after(1) { try? FileManager.default.removeItem(atPath: path) }
        let gone = try runPlaybook(
            """
            - name: absent
              wait_for: path=\(path) state=absent timeout=15
            - name: never
              wait_for: path=\(dir!)/never.flag timeout=1
              ignore_errors: true
            - name: home
              wait_for: path=~/ timeout=1
            """)
        XCTAssertEqual(try gone.result("absent")["state"], .string("absent"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertEqual(try gone.result("never")["msg"], .string("Timeout when waiting for file \(dir!)/never.flag"))
        XCTAssertEqual(try gone.result("home")["failed"], .bool(false), "~ is the home directory")
    }

    func testSearchRegexInAFileReturnsGroups() throws {
        let log = dir + "/service.log"
        try "starting\n".write(toFile: log, atomically: true, encoding: .utf8)
        after(1) {
            try? "starting\nlistening on port 8080 (pid 77)\n".write(toFile: log, atomically: true, encoding: .utf8)
        }
        let run = try runPlaybook(
            #"""
            - name: groups
              wait_for:
                path: \#(log)
                search_regex: 'port (\d+) \(pid (?P<pid>\d+)\)'
                timeout: 15
            - name: anchored
              wait_for:
                path: \#(log)
                search_regex: '^listening'
            - name: missing
              wait_for:
                path: \#(log)
                search_regex: 'ready to serve'
                timeout: 1
              ignore_errors: true
            """#)
        let r = try run.result("groups")
        XCTAssertEqual(r["failed"], .bool(false))
        XCTAssertEqual(r["match_groups"], .list([.string("8080"), .string("77")]))
        XCTAssertEqual(r["match_groupdict"], .dict(["pid": .string("77")]))
        XCTAssertEqual(r["search_regex"], .string(#"port (\d+) \(pid (?P<pid>\d+)\)"#))
        XCTAssertEqual(try run.result("anchored")["failed"], .bool(false))
        XCTAssertEqual(
            try run.result("missing")["msg"], .string("Timeout when waiting for search string ready to serve in \(log)")
        )
    }

    func testDelayCountsAndSleepWithoutTarget() throws {
        let start = Date()
        let run = try runPlaybook(
            """
            - name: just wait
              wait_for:
                timeout: 1
                delay: 1
            """)
        XCTAssertEqual(run.code, 0)
        XCTAssertGreaterThanOrEqual(try run.result("just wait")["elapsed"]?.intValue ?? 0, 2)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 2)
    }

    func testDrainedWhenNoConnections() throws {
        let server = try TestServer()
        defer { server.stop() }
        let run = try runPlaybook(
            """
            - name: drained
              wait_for:
                port: \(server.port)
                state: drained
                timeout: 5
            """)
        XCTAssertEqual(run.code, 0)
        XCTAssertEqual(try run.result("drained")["state"], .string("drained"))
    }

    func testSearchRegexOnAPortBanner() throws {
        let banner = try TestServer(["--banner", "SSH-2.0-OpenSSH_9.2p1 Debian", "--banner-delay", "0.5"])
        defer { banner.stop() }
        let start = Date()
        let run = try runPlaybook(
            """
            - name: banner
              wait_for:
                port: \(banner.port)
                search_regex: OpenSSH_(?P<version>[0-9.]+)
                timeout: 10
            - name: wrong banner
              wait_for:
                port: \(banner.port)
                search_regex: nginx
                timeout: 2
              ignore_errors: true
            """)
        let r = try run.result("banner")
        XCTAssertEqual(r["failed"], .bool(false), "\(r)")
        XCTAssertEqual(r["match_groups"], .list([.string("9.2")]))
        XCTAssertEqual(r["match_groupdict"], .dict(["version": .string("9.2")]))
        XCTAssertEqual(
            try run.result("wrong banner")["msg"],
            .string("Timeout when waiting for search string nginx in 127.0.0.1:\(banner.port)"))
        XCTAssertLessThan(Date().timeIntervalSince(start), 9)
    }

    /// An open keep-alive connection holds the port busy; closing it drains it.
    func testDrainedWaitsForOpenConnections() throws {
        let server = try TestServer()
        defer { server.stop() }
        var client: HTTPClient? = try HTTPClient()
        XCTAssertEqual(try client?.perform(HTTPRequest(url: server.base + "/json")).status, 200)
        let busy = try runPlaybook(
            """
            - name: busy
              wait_for: port=\(server.port) state=drained timeout=1
              ignore_errors: true
            """)
        XCTAssertEqual(
            try busy.result("busy")["msg"], .string("Timeout when waiting for 127.0.0.1:\(server.port) to drain"))
        after(1) { client = nil }
        let run = try runPlaybook(
            """
            - name: drained
              wait_for: port=\(server.port) state=drained timeout=10
            """)
        XCTAssertEqual(try run.result("drained")["failed"], .bool(false))
        XCTAssertNil(client)
    }

    /// A host without bash, nc or python3: a LISTEN entry in /proc/net/tcp answers for it.
    func testProcNetTCPFallbackWithoutConnectTools() throws {
        let bin = dir + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        for tool in ["awk", "sleep", "grep", "timeout", "date", "cat"] {
            let target = try TestServer.run(["sh", "-c", "command -v \(tool)"]).trimmingCharacters(
                in: .whitespacesAndNewlines)
            try FileManager.default.createSymbolicLink(atPath: "\(bin)/\(tool)", withDestinationPath: target)
        }
        let server = try TestServer()
        defer { server.stop() }
        let closed = try TestServer.freePort()
        let run = try runPlaybook(
            """
            - name: listening
              wait_for: port=\(server.port) timeout=5
              environment:
                PATH: \(bin)
            - name: not listening
              wait_for: port=\(closed) timeout=1
              environment:
                PATH: \(bin)
              ignore_errors: true
            - name: remote host
              wait_for: port=\(server.port) host=192.0.2.1 timeout=1
              environment:
                PATH: \(bin)
              ignore_errors: true
            """)
        XCTAssertEqual(try run.result("listening")["failed"], .bool(false))
        XCTAssertEqual(try run.result("not listening")["msg"], .string("Timeout when waiting for 127.0.0.1:\(closed)"))
        let remote = try XCTUnwrap(try run.result("remote host")["msg"]?.stringValue)
        XCTAssertTrue(
            remote.hasSuffix("checking 192.0.2.1:\(server.port) needs bash, nc or python3 on the host"), remote)
    }

    /// Without bash or nc, python3 makes the connection attempt.
    func testPython3FallbackWithoutBash() throws {
        let bin = dir + "/pybin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let python = try TestServer.run(["python3", "-c", "import sys; print(sys.executable)"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try FileManager.default.createSymbolicLink(atPath: "\(bin)/python3", withDestinationPath: python)
        for tool in ["awk", "sleep", "grep", "timeout", "date"] {
            let target = try TestServer.run(["sh", "-c", "command -v \(tool)"])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try FileManager.default.createSymbolicLink(atPath: "\(bin)/\(tool)", withDestinationPath: target)
        }
        let server = try TestServer()
        defer { server.stop() }
        let closed = try TestServer.freePort()
        let run = try runPlaybook(
            """
            - name: open
              wait_for: port=\(server.port) timeout=5
              environment:
                PATH: \(bin)
            - name: closed
              wait_for: port=\(closed) timeout=1
              environment:
                PATH: \(bin)
              ignore_errors: true
            - name: banner needs bash
              wait_for: port=\(server.port) search_regex=HTTP timeout=1
              environment:
                PATH: \(bin)
              ignore_errors: true
            """)
        XCTAssertEqual(try run.result("open")["failed"], .bool(false))
        XCTAssertEqual(try run.result("closed")["msg"], .string("Timeout when waiting for 127.0.0.1:\(closed)"))
        let banner = try XCTUnwrap(try run.result("banner needs bash")["msg"]?.stringValue)
        XCTAssertTrue(banner.hasSuffix("search_regex on a port needs bash on the host"), banner)
    }

    func testBadArguments() throws {
        let run = try runPlaybook(
            """
            - name: both
              wait_for: port=80 path=/tmp
              ignore_errors: true
            - name: stopped path
              wait_for: path=/tmp state=stopped
              ignore_errors: true
            - name: port text
              wait_for: port=http
              ignore_errors: true
            - name: port range
              wait_for: port=70000
              ignore_errors: true
            - name: regex
              wait_for: path=/tmp search_regex='(unclosed'
              ignore_errors: true
            - name: exclude
              wait_for: port=80 exclude_hosts=10.0.0.1
              ignore_errors: true
            - name: states
              wait_for: port=80 state=drained active_connection_states=OPEN
              ignore_errors: true
            - name: drained without port
              wait_for: state=drained
              ignore_errors: true
            """)
        func msg(_ task: String) throws -> String { try run.result(task)["msg"]?.stringValue ?? "" }
        XCTAssertEqual(try msg("both"), "port and path parameter can not both be passed to wait_for")
        XCTAssertEqual(
            try msg("stopped path"), "state=stopped should only be used for checking a port in the wait_for module")
        XCTAssertEqual(try msg("port text"), "wait_for: port must be an integer, got http")
        XCTAssertEqual(try msg("port range"), "wait_for: port must be between 1 and 65535, got 70000")
        XCTAssertEqual(try msg("regex"), "Invalid regular expression: (unclosed")
        XCTAssertEqual(try msg("exclude"), "exclude_hosts should only be with state=drained")
        XCTAssertEqual(try msg("states"), "unknown active_connection_state (OPEN) defined")
        XCTAssertEqual(
            try msg("drained without port"), "wait_for: state=drained needs the port whose connections to wait for")
        let badState = try XCTUnwrap(
            loadError(
                """
                - wait_for:
                    port: 80
                    state: up
                """))
        XCTAssertTrue(
            badState.contains("wait_for: state must be one of absent, drained, present, started, stopped"), badState)
        let unknown = try XCTUnwrap(
            loadError(
                """
                - wait_for:
                    port: 80
                    tiemout: 5
                """))
        XCTAssertTrue(unknown.contains("did you mean \"timeout\"?"), unknown)
    }
}
