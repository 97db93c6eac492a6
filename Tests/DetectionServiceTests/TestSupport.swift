import DetectionService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import XCTest

enum Backend: String, CaseIterable {
    case sqlite, postgres
}

let testAPIKey = "test-key-0123456789abcdef"
let otherAPIKey = "other-key-0123456789abcdef"

/// One PostgreSQL cluster per test class that needs it; started lazily, stopped in class tearDown.
enum SharedCluster {
    nonisolated(unsafe) static var cluster: PostgresCluster?
    static let lock = NSLock()

    static func get() throws -> PostgresCluster {
        lock.lock()
        defer { lock.unlock() }
        if let c = cluster { return c }
        let c = try PostgresCluster.start()
        cluster = c
        return c
    }

    static func stop() {
        lock.lock()
        defer { lock.unlock() }
        cluster?.stop()
        cluster = nil
    }
}

func testLogger() -> Logger {
    var l = Logger(label: "detection-test")
    l.logLevel =
        ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
    return l
}

/// A configuration pointing at a fresh, empty database of `backend`.
func makeConfig(_ backend: Backend, _ adjust: (inout ServiceConfiguration) -> Void = { _ in }) throws
    -> ServiceConfiguration
{
    var config = ServiceConfiguration(
        host: "127.0.0.1", port: 0, apiKeys: APIKeySet(keys: [testAPIKey, otherAPIKey]),
        rateLimit: RateLimitSettings(requestsPerSecond: 0, burst: 1), drainDelay: .milliseconds(200),
        shutdownTimeout: .seconds(5), logLevel: .critical, version: "9.8.7-test", buildID: "test-build-42")
    switch backend {
    case .sqlite:
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("detection-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        config.database = .sqlite(path: dir.appendingPathComponent("detections.sqlite3").path)
    case .postgres:
        let cluster = try SharedCluster.get()
        let db = try cluster.createDatabase()
        guard case .success(let s) = PostgresSettings.parse(url: cluster.url(database: db)) else {
            throw TestFailure("bad test URL")
        }
        config.database = .postgres(s)
        config.databasePoolSize = 4
    }
    adjust(&config)
    return config
}

func jsonBody(_ object: Any) -> ByteBuffer {
    ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
}

func json(_ response: TestResponse) throws -> [String: Any] {
    let data = Data(buffer: response.body)
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw TestFailure("response is not a JSON object: \(String(decoding: data, as: UTF8.self))")
    }
    return object
}

/// Timestamps one minute apart from 2024-05-01T00:00:00Z.
func minuteTimestamps(_ n: Int) -> [String] {
    (0..<n).map { i in
        let h = i / 60 % 24
        let m = i % 60
        let d = 1 + i / 1440
        return String(format: "2024-05-%02dT%02d:%02d:00Z", d, h, m)
    }
}

func series(_ values: [Double], method: String = "zscore", extra: [String: Any] = [:]) -> ByteBuffer {
    var body: [String: Any] = ["timestamps": minuteTimestamps(values.count), "values": values, "method": method]
    body.merge(extra) { _, new in new }
    return jsonBody(body)
}

let authHeaders: HTTPFields = [HTTPField.Name("X-API-Key")!: testAPIKey, .contentType: "application/json"]

extension TestClientProtocol {
    func detect(_ body: ByteBuffer, key: String = testAPIKey) async throws -> TestResponse {
        try await execute(
            uri: "/api/v1/detect", method: .post,
            headers: [HTTPField.Name("X-API-Key")!: key, .contentType: "application/json"], body: body)
    }

    func get(_ uri: String, key: String? = testAPIKey) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let key { headers[HTTPField.Name("X-API-Key")!] = key }
        return try await execute(uri: uri, method: .get, headers: headers)
    }
}

/// True once real detectors replace the contract stub (which reports nothing): tests of detection
/// content need them. Outside CI they skip until then; under CI=true they fail.
func requireRealDetectors() throws {
    var values = [Double](repeating: 10, count: 100)
    for i in values.indices { values[i] += Double(i % 3) * 0.1 }
    values[50] = 1000
    let outcome = try AnomalyDetectionProbe.run(values)
    if outcome { return }
    let message = "needs the real detectors (Sources/AnomalyDetection is still the stub that finds nothing)"
    if ProcessInfo.processInfo.environment["CI"] == "true" { throw TestFailure("CI=true: \(message)") }
    throw XCTSkip(message)
}
