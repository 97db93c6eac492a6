import DetectionService
import Foundation
import XCTest

final class ConfigurationTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    func load(_ args: [String], _ env: [String: String]) throws -> ServiceConfiguration {
        var env = env
        if env["DETECTION_ENV_FILE"] == nil && !args.contains("--env-file") {
            env["DETECTION_ENV_FILE"] = try write("empty.env", "")
        }
        guard case .run(let c) = try ServiceConfiguration.load(arguments: args, environment: env) else {
            throw TestFailure("expected a run action")
        }
        return c
    }

    func assertConfigError(
        _ args: [String], _ env: [String: String], key: String, contains text: String, line: UInt = #line
    ) {
        XCTAssertThrowsError(try load(args, env), line: line) { error in
            guard let e = error as? ConfigurationError else {
                return XCTFail("not a ConfigurationError: \(error)", line: line)
            }
            XCTAssertEqual(e.key, key, "\(e)", line: line)
            XCTAssertTrue(e.description.contains(text), "\(e)", line: line)
        }
    }

    func testPrecedenceFlagOverEnvironmentOverEnvFile() throws {
        let envFile = try write(
            "env",
            """
            # comment
            export DETECTION_PORT=7001
            DETECTION_HOST="0.0.0.0"
            DETECTION_DRAIN_DELAY=3
            DETECTION_API_KEYS=file-key-0123456789abc
            DETECTION_SQLITE_PATH=\(dir!)/db.sqlite3
            """)
        let c = try load(
            ["--port", "7003", "--env-file", envFile], ["DETECTION_PORT": "7002", "DETECTION_DRAIN_DELAY": "0.5"])
        XCTAssertEqual(c.port, 7003)
        XCTAssertEqual(c.host, "0.0.0.0")
        XCTAssertEqual(c.drainDelay, .milliseconds(500))
        XCTAssertEqual(c.database, .sqlite(path: "\(dir!)/db.sqlite3"))
        XCTAssertNotNil(c.apiKeys.match("file-key-0123456789abc"))
        let d = try load(["--env-file=\(envFile)"], [:])
        XCTAssertEqual(d.port, 7001)
    }

    func testInvalidValuesNameTheirKey() throws {
        let base = ["DETECTION_API_KEYS": "some-key-0123456789abc", "DETECTION_SQLITE_PATH": dir + "/db"]
        assertConfigError(
            [], base.merging(["DETECTION_PORT": "http"]) { $1 }, key: "DETECTION_PORT", contains: "`http`")
        assertConfigError(["--port", "70000"], base, key: "DETECTION_PORT", contains: "--port")
        let typo = try write("typo.env", "DETECTION_PROT=1\n")
        assertConfigError(["--env-file", typo], base, key: "DETECTION_PROT", contains: "did you mean `DETECTION_PORT`")
        assertConfigError(["--prot", "1"], base, key: "--prot", contains: "did you mean `--port`")
        assertConfigError(
            [], base.merging(["DATABASE_URL": "mysql://x/y"]) { $1 }, key: "DATABASE_URL", contains: "postgres://")
        assertConfigError(
            [], base.merging(["DATABASE_URL": "postgres://u@h:99999/db"]) { $1 }, key: "DATABASE_URL", contains: "port")
        assertConfigError(
            [], base.merging(["DETECTION_LOG_LEVEL": "loud"]) { $1 }, key: "DETECTION_LOG_LEVEL", contains: "info")
        assertConfigError(
            [], base.merging(["DETECTION_SQLITE_PATH": "/nonexistent-dir/db"]) { $1 }, key: "DETECTION_SQLITE_PATH",
            contains: "/nonexistent-dir does not exist")
        assertConfigError(
            [], base.merging(["DETECTION_METRICS_PORT": "8000"]) { $1 }, key: "DETECTION_METRICS_PORT",
            contains: "API port")
        assertConfigError(
            [], base.merging(["DETECTION_REQUIRE_API_KEY": "maybe"]) { $1 }, key: "DETECTION_REQUIRE_API_KEY",
            contains: "maybe")
        let badEnv = try write("bad.env", "DETECTION_PORT=1\nthis line has no equals\n")
        assertConfigError(["--env-file", badEnv], base, key: "this line has no equals", contains: "\(badEnv):2")
        assertConfigError(
            ["--env-file", dir + "/missing.env"], base, key: "DETECTION_ENV_FILE", contains: "does not exist")
    }

    func testAPIKeyFileFormatAndPermissions() throws {
        let hashed = APIKeySet.hexDigest("hashed-key-0123456789")
        let file = try write("keys", "# operators\nplain-key-0123456789\n\nsha256:\(hashed)\n")
        let c = try load([], ["DETECTION_API_KEYS_FILE": file, "DETECTION_SQLITE_PATH": dir + "/db"])
        XCTAssertEqual(c.apiKeys.count, 2)
        XCTAssertEqual(c.apiKeys.match("plain-key-0123456789"), 0)
        XCTAssertEqual(c.apiKeys.match("hashed-key-0123456789"), 1)
        XCTAssertNil(c.apiKeys.match("sha256:\(hashed)"), "the digest itself must not be a key")
        XCTAssertNil(c.apiKeys.match("plain-key-012345678"))
        XCTAssertNil(c.apiKeys.match(""))

        let open = try write("open-keys", "plain-key-0123456789\n", mode: 0o644)
        assertConfigError(
            [], ["DETECTION_API_KEYS_FILE": open, "DETECTION_SQLITE_PATH": dir + "/db"], key: "DETECTION_API_KEYS_FILE",
            contains: "chmod 600")
        let badHash = try write("bad-keys", "sha256:abc\n")
        assertConfigError(
            [], ["DETECTION_API_KEYS_FILE": badHash, "DETECTION_SQLITE_PATH": dir + "/db"],
            key: "DETECTION_API_KEYS_FILE", contains: "\(badHash):1")
        let short = try write("short-keys", "abc\n")
        assertConfigError(
            [], ["DETECTION_API_KEYS_FILE": short, "DETECTION_SQLITE_PATH": dir + "/db"],
            key: "DETECTION_API_KEYS_FILE", contains: "shorter than 16")
        assertConfigError(
            [], ["DETECTION_API_KEYS_FILE": dir + "/none", "DETECTION_SQLITE_PATH": dir + "/db"],
            key: "DETECTION_API_KEYS_FILE", contains: "No such file")
    }

    func testNoKeysRefusesToStartUnlessExplicitlyDisabled() throws {
        assertConfigError(
            [], ["DETECTION_API_KEYS_FILE": "", "DETECTION_SQLITE_PATH": dir + "/db"], key: "DETECTION_API_KEYS_FILE",
            contains: "DETECTION_REQUIRE_API_KEY=false")
        let c = try load(["--require-api-key", "false"], ["DETECTION_SQLITE_PATH": dir + "/db"])
        XCTAssertFalse(c.requireAPIKey)
    }

    func testDatabaseURL() throws {
        let keys = ["DETECTION_API_KEYS": "some-key-0123456789abc"]
        let c = try load(["--database-url", "postgres://svc:p%40ss@db.internal:6543/detections?sslmode=require"], keys)
        XCTAssertEqual(
            c.database,
            .postgres(
                PostgresSettings(
                    host: "db.internal", port: 6543, username: "svc", password: "p@ss", database: "detections",
                    tls: .require)))
        // libpq's sslmodes: no sslmode is `prefer`; verify-* keep their meaning and the CA file.
        let verify = try load(
            ["--database-url", "postgres://svc@db:5432/d?sslmode=verify-full&sslrootcert=/etc/ssl/pg%20ca.pem"], keys)
        XCTAssertEqual(
            verify.database,
            .postgres(
                PostgresSettings(
                    host: "db", username: "svc", database: "d", tls: .verifyFull,
                    rootCertificatePath: "/etc/ssl/pg ca.pem")))
        let plain = try load(["--database-url", "postgres://svc:pw@db/d"], keys)
        guard case .postgres(let p) = plain.database else { return XCTFail("postgres") }
        XCTAssertEqual(p.tls, .prefer)
        XCTAssertEqual(
            PostgresSettings.parse(url: "postgres://svc@db/d?sslmode=verify-ca").map(\.tls), .success(.verifyCA))
        guard case .failure(let reason) = PostgresSettings.parse(url: "postgres://svc@db/d?sslmode=strict") else {
            return XCTFail("unknown sslmode accepted")
        }
        XCTAssertTrue(reason.text.contains("verify-full"), reason.text)
        let s = try load(["--database-url", "sqlite://\(dir!)/x.sqlite3"], keys)
        XCTAssertEqual(s.database, .sqlite(path: "\(dir!)/x.sqlite3"))
    }

    func testVersionAndHelpActions() throws {
        guard case .printVersion = try ServiceConfiguration.load(arguments: ["--version"], environment: [:]) else {
            return XCTFail("--version")
        }
        guard case .printHelp = try ServiceConfiguration.load(arguments: ["--help"], environment: [:]) else {
            return XCTFail("--help")
        }
        XCTAssertTrue(ServiceConfiguration.usage.contains("DETECTION_DRAIN_DELAY"))
    }
}
