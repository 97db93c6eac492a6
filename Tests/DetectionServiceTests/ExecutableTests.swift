import DetectionService
import Foundation
import XCTest

/// Drives the built `detection-service` binary: version, start-up errors, SIGTERM and exit code.
final class ExecutableTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("exe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Next to the test bundle in the build directory; `swift build --build-tests` builds it.
    func binary() throws -> String {
        let buildDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let path = buildDir + "/detection-service"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestFailure("\(path) is missing: run `swift build --product detection-service` before the tests")
        }
        return path
    }

    struct Running {
        var pid: pid_t
        var output: String
    }

    func spawn(_ args: [String], env: [String: String]) throws -> Running {
        let output = dir + "/out-\(UUID().uuidString).log"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let exe = try binary()
        let argv = ([exe] + args).map { strdup($0) } + [nil]
        let entries: [String] = env.map { "\($0.key)=\($0.value)" } + ["PATH=/usr/bin:/bin"]
        let envp: [UnsafeMutablePointer<CChar>?] = entries.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, exe, &actions, nil, argv, envp)
        guard rc == 0 else { throw TestFailure("spawn failed: \(String(cString: strerror(rc)))") }
        return Running(pid: pid, output: output)
    }

    func wait(_ p: Running, timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var status: Int32 = 0
            if waitpid(p.pid, &status, WNOHANG) == p.pid {
                return status & 0x7f == 0 ? (status >> 8) & 0xff : -(status & 0x7f)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    func output(_ p: Running) -> String {
        String(decoding: FileManager.default.contents(atPath: p.output) ?? Data(), as: UTF8.self)
    }

    func testVersionFlagPrintsVersionAndBuildID() async throws {
        let p = try spawn(["--version"], env: [:])
        let code = try await wait(p, timeout: .seconds(20))
        XCTAssertEqual(code, 0)
        XCTAssertEqual(output(p), "detection-service \(BuildInfo.version) (build \(BuildInfo.buildID))\n")
    }

    func testBadConfigurationExitsNonZeroNamingTheKey() async throws {
        let cases: [([String], [String: String], String)] = [
            ([], ["DETECTION_PORT": "eighty", "DETECTION_API_KEYS": testAPIKey], "DETECTION_PORT"),
            (["--drain-delay", "-1"], ["DETECTION_API_KEYS": testAPIKey], "DETECTION_DRAIN_DELAY"),
            (["--sqlite-path", dir + "/db"], [:], "DETECTION_API_KEYS_FILE"),
        ]
        for (args, env, key) in cases {
            let p = try spawn(args + ["--env-file", try emptyEnvFile(), "--sqlite-path", dir + "/db"], env: env)
            let code = try await wait(p, timeout: .seconds(20))
            XCTAssertEqual(code, 2, "\(args) \(env): \(output(p))")
            XCTAssertTrue(output(p).contains(key), output(p))
        }
    }

    func emptyEnvFile() throws -> String {
        let path = dir + "/empty.env"
        FileManager.default.createFile(atPath: path, contents: Data())
        return path
    }

    func testSIGTERMDrainsThenExitsZero() async throws {
        let envFile = dir + "/env"
        try """
        DETECTION_PORT=0
        DETECTION_SQLITE_PATH=\(dir!)/detections.sqlite3
        DETECTION_DRAIN_DELAY=1
        DETECTION_API_KEYS=\(testAPIKey)
        """.write(toFile: envFile, atomically: true, encoding: .utf8)
        let p = try spawn(["--env-file", envFile], env: [:])
        var port: Int?
        for _ in 0..<300 where port == nil {
            for line in output(p).split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    object["msg"] as? String == "listening"
                else { continue }
                port = (object["port"] as? String).flatMap { Int($0) }
            }
            if port == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        guard let port else {
            kill(p.pid, SIGKILL)
            _ = try await wait(p, timeout: .seconds(5))
            throw TestFailure("no `listening` log line: \(output(p))")
        }
        let ready = try await blocking { try RawHTTPConnection.get(port: port, "/ready") }
        XCTAssertEqual(ready.status, 200, ready.body)

        let start = ContinuousClock.now
        kill(p.pid, SIGTERM)
        try await Task.sleep(for: .milliseconds(200))
        let draining = try await blocking { try RawHTTPConnection.get(port: port, "/ready") }
        XCTAssertEqual(draining.status, 503, draining.body)
        XCTAssertTrue(draining.body.contains("draining"), draining.body)
        let health = try await blocking { try RawHTTPConnection.get(port: port, "/health") }
        XCTAssertEqual(health.status, 200)

        let code = try await wait(p, timeout: .seconds(15))
        XCTAssertEqual(code, 0, output(p))
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - start, .seconds(1), "exited before the drain delay")
        // Every log line is one JSON object (journald/jq friendly).
        let lines = output(p).split(separator: "\n")
        XCTAssertFalse(lines.isEmpty)
        for line in lines {
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
        }
    }
}
