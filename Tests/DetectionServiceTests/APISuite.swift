import DetectionService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// The API behaviour, written once and run against each storage backend by `SQLiteAPITests` and
/// `PostgresAPITests`.
enum APISuite {
    static func withApp(
        _ backend: Backend, _ adjust: (inout ServiceConfiguration) -> Void = { _ in },
        _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let config = try makeConfig(backend, adjust)
        let app = try await buildApplication(config, logger: testLogger())
        try await app.test(.router) { client in try await body(client) }
    }

    static func healthVersionReady(_ backend: Backend) async throws {
        try await withApp(backend) { client in
            let health = try await client.get("/health", key: nil)
            XCTAssertEqual(health.status, .ok)
            let h = try json(health)
            XCTAssertEqual(h["status"] as? String, "ok")
            XCTAssertEqual(h["version"] as? String, "9.8.7-test")
            XCTAssertGreaterThanOrEqual(h["uptime_seconds"] as? Double ?? -1, 0)

            let version = try json(try await client.get("/version", key: nil))
            XCTAssertEqual(version["version"] as? String, "9.8.7-test")
            XCTAssertEqual(version["build_id"] as? String, "test-build-42")

            let ready = try await client.get("/ready", key: nil)
            XCTAssertEqual(ready.status, .ok, String(buffer: ready.body))
            let r = try json(ready)
            XCTAssertEqual(r["status"] as? String, "ready")
            XCTAssertEqual((r["checks"] as? [String: String])?["database"], "ok")
            XCTAssertEqual((r["checks"] as? [String: String])?["migrations"], "ok")
        }
    }

    static func metricsExposition(_ backend: Backend) async throws {
        try await withApp(backend) { client in
            _ = try await client.get("/health", key: nil)
            _ = try await client.detect(series([1, 2, 3, 4]))
            _ = try await client.detect(jsonBody(["values": "x"]))
            let response = try await client.get("/metrics", key: nil)
            XCTAssertEqual(response.status, .ok)
            XCTAssertTrue(response.headers[.contentType]?.hasPrefix("text/plain") ?? false)
            let text = String(buffer: response.body)
            XCTAssertTrue(text.contains(#"detection_build_info{version="9.8.7-test",build_id="test-build-42""#), text)
            XCTAssertTrue(
                text.contains(#"detection_http_requests_total{route="/health",method="GET",status="200"} 1"#), text)
            XCTAssertTrue(
                text.contains(#"detection_http_requests_total{route="/api/v1/detect",method="POST",status="201"} 1"#),
                text)
            XCTAssertTrue(
                text.contains(#"detection_http_requests_total{route="/api/v1/detect",method="POST",status="400"} 1"#),
                text)
            XCTAssertTrue(text.contains(#"detection_detections_total{method="zscore"} 1"#), text)
            XCTAssertTrue(text.contains(#"detection_anomalies_total{method="mad",severity="critical"} 0"#), text)
            XCTAssertTrue(text.contains("detection_http_request_duration_seconds_bucket"), text)
        }
    }

    static func authentication(_ backend: Backend) async throws {
        try await withApp(backend) { client in
            let missing = try await client.execute(uri: "/api/v1/detect", method: .post, body: series([1, 2]))
            XCTAssertEqual(missing.status, .unauthorized)
            XCTAssertEqual(
                try json(missing)["error"].flatMap { ($0 as? [String: Any])?["field"] as? String }, "X-API-Key")
            let wrong = try await client.detect(series([1, 2]), key: "not-the-key-at-all-000")
            XCTAssertEqual(wrong.status, .forbidden)
            let listNoKey = try await client.get("/api/v1/detections", key: nil)
            XCTAssertEqual(listNoKey.status, .unauthorized)
            let listWrong = try await client.get("/api/v1/detections", key: "x")
            XCTAssertEqual(listWrong.status, .forbidden)
            for path in ["/health", "/ready", "/metrics", "/version"] {
                let r = try await client.get(path, key: nil)
                XCTAssertEqual(r.status, .ok, path)
            }
            let good = try await client.detect(series([1, 2]), key: otherAPIKey)
            XCTAssertEqual(good.status, .created)
            // Rejected requests stored nothing.
            let list = try json(try await client.get("/api/v1/detections"))
            XCTAssertEqual(list["total"] as? Int, 1)
        }
    }

    static func detectStoresRun(_ backend: Backend) async throws {
        try await withApp(backend) { client in
            let values: [Double] = (0..<200).map { Double($0 % 7) + 100 }
            let response = try await client.detect(series(values, method: "ensemble", extra: ["ensemble_threshold": 3]))
            XCTAssertEqual(response.status, .created, String(buffer: response.body))
            let created = try json(response)
            let id = try XCTUnwrap(created["id"] as? String)
            XCTAssertEqual(created["method"] as? String, "ensemble")
            XCTAssertNotNil(created["anomalies"] as? [Any])
            let summary = try XCTUnwrap(created["summary"] as? [String: Any])
            XCTAssertEqual(summary["points"] as? Int, 200)
            XCTAssertEqual(summary["ensemble_threshold"] as? Int, 3)
            XCTAssertEqual(summary["sensitivity"] as? Double, 2.0)

            let fetched = try await client.get("/api/v1/detections/\(id)")
            XCTAssertEqual(fetched.status, .ok)
            let f = try json(fetched)
            XCTAssertEqual(f["id"] as? String, id)
            XCTAssertEqual(f["created_at"] as? String, created["created_at"] as? String)
            XCTAssertEqual((f["summary"] as? [String: Any])?["points"] as? Int, 200)
            XCTAssertEqual(
                (f["anomalies"] as? [Any])?.count, (created["anomalies"] as? [Any])?.count,
                "stored anomalies differ from the ones returned")

            let list = try json(try await client.get("/api/v1/detections"))
            XCTAssertEqual(list["total"] as? Int, 1)
            XCTAssertEqual(((list["items"] as? [[String: Any]])?.first)?["id"] as? String, id)

            let missing = try await client.get("/api/v1/detections/00000000-0000-4000-8000-000000000000")
            XCTAssertEqual(missing.status, .notFound)
            let malformed = try await client.get("/api/v1/detections/'%20OR%201=1--")
            XCTAssertEqual(malformed.status, .notFound)
        }
    }

    static func listPagingAndFilters(_ backend: Backend) async throws {
        try await withApp(backend) { client in
            let methods = ["zscore", "mad", "zscore", "iqr", "zscore"]
            var ids: [String] = []
            for m in methods {
                let r = try await client.detect(series([1, 2, 3, 2, 1], method: m))
                XCTAssertEqual(r.status, .created)
                ids.append(try json(r)["id"] as! String)
                try await Task.sleep(for: .milliseconds(3))  // distinct created_at for a stable order
            }
            let page1 = try json(try await client.get("/api/v1/detections?limit=2"))
            XCTAssertEqual(page1["total"] as? Int, 5)
            XCTAssertEqual((page1["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [ids[4], ids[3]])
            XCTAssertEqual(page1["next_offset"] as? Int, 2)
            let page3 = try json(try await client.get("/api/v1/detections?limit=2&offset=4"))
            XCTAssertEqual((page3["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [ids[0]])
            XCTAssertNil(page3["next_offset"] as? Int)

            let zscore = try json(try await client.get("/api/v1/detections?method=zscore"))
            XCTAssertEqual(zscore["total"] as? Int, 3)
            XCTAssertTrue(
                (zscore["items"] as? [[String: Any]])?.allSatisfy { $0["method"] as? String == "zscore" } ?? false)

            let future = try json(try await client.get("/api/v1/detections?since=2999-01-01T00:00:00Z"))
            XCTAssertEqual(future["total"] as? Int, 0)
            let past = try json(try await client.get("/api/v1/detections?since=2000-01-01"))
            XCTAssertEqual(past["total"] as? Int, 5)
            let epoch = try json(try await client.get("/api/v1/detections?since=946684800&method=mad"))
            XCTAssertEqual(epoch["total"] as? Int, 1)

            for (query, field) in [
                ("limit=0", "limit"), ("limit=abc", "limit"), ("offset=-1", "offset"), ("since=yesterday", "since"),
                ("severity=extreme", "severity"), ("method=prophet", "method"),
            ] {
                let r = try await client.get("/api/v1/detections?\(query)")
                XCTAssertEqual(r.status, .badRequest, query)
                XCTAssertEqual((try json(r)["error"] as? [String: Any])?["field"] as? String, field, query)
            }
        }
    }

    /// Bodies that must each be refused with 400 naming `field`, changing nothing.
    static let badBodies: [(String, String)] = [
        ("", "body"),
        ("not json", "body"),
        ("[]", "body"),
        ("null", "body"),
        ("42", "body"),
        ("{\"values\": [1,2,3]}", "timestamps"),
        ("{\"timestamps\": [\"2024-01-01T00:00:00Z\"]}", "values"),
        ("{\"timestamps\": [], \"values\": []}", "values"),
        ("{\"timestamps\": [\"2024-01-01T00:00:00Z\"], \"values\": [\"1\"]}", "values[0]"),
        ("{\"timestamps\": [\"2024-01-01T00:00:00Z\", \"2024-01-01T00:01:00Z\"], \"values\": [1, null]}", "values[1]"),
        ("{\"timestamps\": [\"2024-01-01T00:00:00Z\"], \"values\": null}", "values"),
        ("{\"timestamps\": [\"2024-01-01T00:00:00Z\"], \"values\": {\"a\": 1}}", "values"),
        ("{\"timestamps\": [\"2024-01-01T00:00:00Z\"], \"values\": [NaN]}", "body"),
        ("{\"timestamps\": [\"2024-01-01T00:00:00Z\"], \"values\": [1e999]}", "body"),
        ("{\"timestamps\": [\"2024-01-01T00:00:00Z\"], \"values\": [1, 2]}", "timestamps"),
        ("{\"timestamps\": [\"2024-01-01T00:00:00Z\", \"yesterday\"], \"values\": [1, 2]}", "timestamps[1]"),
        ("{\"timestamps\": [1700000000], \"values\": [1]}", "timestamps[0]"),
        ("{\"timestamps\": [\"2024-13-01\"], \"values\": [1], \"method\": \"prophet\"}", "method"),
        ("{\"timestamps\": [\"2024-01-01\"], \"values\": [1], \"method\": \"prophet\"}", "method"),
        ("{\"timestamps\": [\"2024-01-01\"], \"values\": [1], \"method\": 3}", "method"),
        ("{\"timestamps\": [\"2024-01-01\"], \"values\": [1], \"sensitivity\": -1}", "sensitivity"),
        ("{\"timestamps\": [\"2024-01-01\"], \"values\": [1], \"sensitivity\": 0}", "sensitivity"),
        ("{\"timestamps\": [\"2024-01-01\"], \"values\": [1], \"sensitivity\": \"high\"}", "sensitivity"),
        ("{\"timestamps\": [\"2024-01-01\"], \"values\": [1], \"ensemble_threshold\": 0}", "ensemble_threshold"),
        ("{\"timestamps\": [\"2024-01-01\"], \"values\": [1], \"ensemble_threshold\": 9}", "ensemble_threshold"),
        ("{\"timestamps\": [\"2024-01-01\"], \"values\": [1], \"ensemble_threshold\": 2.5}", "ensemble_threshold"),
        ("{\"timestamps\": [\"2024-01-01\"], \"values\": [1], \"ensemble_methods\": []}", "ensemble_methods"),
        (
            "{\"timestamps\": [\"2024-01-01\"], \"values\": [1], \"ensemble_methods\": [\"ensemble\"]}",
            "ensemble_methods[0]"
        ),
        (
            "{\"timestamps\": [\"2024-01-01\"], \"values\": [1], \"ensemble_methods\": [\"mad\", \"mad\"]}",
            "ensemble_methods[1]"
        ),
        ("{\"timestamps\": [\"2024-01-01\"], \"values\": [1], \"ewma_alpha\": 0}", "ewma_alpha"),
        ("{\"timestamps\": [\"2024-01-01\"], \"values\": [1], \"ewma_alpha\": 1.5}", "ewma_alpha"),
        ("{\"timestamps\": [\"2024-01-01\"], \"values\": [1], \"contamination\": 0.9}", "contamination"),
        ("{\"timestamps\": [\"2024-01-01\"], \"values\": [1], \"method\": \"zscore\"", "body"),
        ("{\"timestamps\": [\"\\ud800\"], \"values\": [1]}", "body"),
        (String(repeating: "[", count: 100_000), "body"),
        (String(repeating: "{\"a\":", count: 20_000), "body"),
    ]

    static func badInputIsRejected(_ backend: Backend) async throws {
        try await withApp(backend, { $0.maxPoints = 50 }) { client in
            for (body, field) in badBodies {
                let r = try await client.detect(ByteBuffer(string: body))
                XCTAssertEqual(r.status, .badRequest, "\(body.prefix(80)) -> \(String(buffer: r.body))")
                let error = try? json(r)["error"] as? [String: Any]
                XCTAssertEqual(error?["field"] as? String, field, "\(body.prefix(80)) -> \(String(buffer: r.body))")
                XCTAssertFalse((error?["message"] as? String ?? "").isEmpty)
            }
            // Invalid UTF-8 and binary noise.
            for bytes: [UInt8] in [
                [0xff, 0xfe, 0x00], [0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d], Array(repeating: 0, count: 1000),
            ] {
                let r = try await client.detect(ByteBuffer(bytes: bytes))
                XCTAssertEqual(r.status, .badRequest)
            }
            let tooMany = try await client.detect(series((0..<51).map(Double.init)))
            XCTAssertEqual(tooMany.status, .badRequest)
            XCTAssertEqual((try json(tooMany)["error"] as? [String: Any])?["field"] as? String, "values")
            let unknownMethod = try json(try await client.detect(series([1, 2], method: "isolationforest")))
            XCTAssertTrue(
                ((unknownMethod["error"] as? [String: Any])?["message"] as? String ?? "").contains("isolation_forest"))

            // Still alive, and nothing was stored.
            let r1 = try await client.get("/health", key: nil)
            XCTAssertEqual(r1.status, .ok)
            let r8 = try await client.get("/api/v1/detections")
            XCTAssertEqual(try json(r8)["total"] as? Int, 0)
        }
    }

    static func bodyLimit(_ backend: Backend) async throws {
        try await withApp(backend, { $0.maxBodyBytes = 4096 }) { client in
            let big = series((0..<2000).map(Double.init))
            let r = try await client.detect(big)
            XCTAssertEqual(r.status, .contentTooLarge)
            XCTAssertEqual((try json(r)["error"] as? [String: Any])?["field"] as? String, "body")
            let r2 = try await client.detect(series([1, 2, 3]))
            XCTAssertEqual(r2.status, .created)
        }
    }

    static func maximumSeriesIsAccepted(_ backend: Backend) async throws {
        try await withApp(backend) { client in
            let n = ServiceConfiguration.hardMaxPoints
            let values = (0..<n).map { Double($0 % 100) }
            let r = try await client.detect(series(values, method: "mad"))
            XCTAssertEqual(r.status, .created, String(buffer: r.body).prefix(300).description)
            XCTAssertEqual((try json(r)["summary"] as? [String: Any])?["points"] as? Int, n)
            let over = try await client.detect(series(values + [1], method: "mad"))
            XCTAssertEqual(over.status, .badRequest)
        }
    }

    static func rateLimit(_ backend: Backend) async throws {
        try await withApp(backend, { $0.rateLimit = RateLimitSettings(requestsPerSecond: 0.5, burst: 2) }) { client in
            let r3 = try await client.get("/api/v1/detections")
            XCTAssertEqual(r3.status, .ok)
            let r4 = try await client.get("/api/v1/detections")
            XCTAssertEqual(r4.status, .ok)
            let limited = try await client.get("/api/v1/detections")
            XCTAssertEqual(limited.status, .tooManyRequests)
            let retry = Int(limited.headers[.retryAfter] ?? "") ?? 0
            XCTAssertTrue((1...2).contains(retry), "Retry-After \(limited.headers[.retryAfter] ?? "missing")")
            // Buckets are per key, and health checks are never limited.
            let r5 = try await client.get("/api/v1/detections", key: otherAPIKey)
            XCTAssertEqual(r5.status, .ok)
            let r6 = try await client.get("/health", key: nil)
            XCTAssertEqual(r6.status, .ok)
        }
    }

    static func readinessNamesMigrations(_ backend: Backend) async throws {
        let config = try makeConfig(backend)
        let app = try await buildApplication(config, logger: testLogger())
        try await app.test(.router) { client in
            let r7 = try await client.get("/ready", key: nil)
            XCTAssertEqual(r7.status, .ok)
            // Someone restores an old dump under the running service: the schema is not ours.
            switch config.database {
            case .sqlite(let path):
                try PostgresCluster.run(
                    "/usr/bin/env",
                    [
                        "python3", "-c",
                        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('DELETE FROM schema_migrations'); c.commit()",
                        path,
                    ])
            case .postgres(let s):
                try SharedCluster.get().psql("DELETE FROM schema_migrations", database: s.database)
            }
            let r = try await client.get("/ready", key: nil)
            XCTAssertEqual(r.status, .serviceUnavailable)
            XCTAssertEqual(try json(r)["failing"] as? [String], ["migrations"])
        }
    }

    /// PostgreSQL only: the database stops accepting this service, readiness names it, the API
    /// answers 503 rather than crashing, and db errors are counted.
    static func readinessNamesAnUnreachableDatabase(_ backend: Backend) async throws {
        let config = try makeConfig(backend)
        guard case .postgres(let settings) = config.database else { throw TestFailure("PostgreSQL only") }
        let app = try await buildApplication(config, logger: testLogger())
        try await app.test(.router) { client in
            let before = try await client.get("/ready", key: nil)
            XCTAssertEqual(before.status, .ok)
            let cluster = try SharedCluster.get()
            try cluster.psql("ALTER DATABASE \(settings.database) ALLOW_CONNECTIONS false")
            try cluster.psql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(settings.database)'")
            let r = try await client.get("/ready", key: nil)
            XCTAssertEqual(r.status, .serviceUnavailable, String(buffer: r.body))
            XCTAssertEqual(try json(r)["failing"] as? [String], ["database"])
            let list = try await client.get("/api/v1/detections")
            XCTAssertEqual(list.status, .serviceUnavailable)
            let detect = try await client.detect(series([1, 2, 3]))
            XCTAssertEqual(detect.status, .serviceUnavailable)
            let metrics = String(buffer: try await client.get("/metrics", key: nil).body)
            XCTAssertTrue(metrics.contains(#"detection_db_errors_total{operation="ready"}"#), metrics)
            XCTAssertTrue(metrics.contains(#"detection_db_errors_total{operation="save"} 1"#), metrics)
            try cluster.psql("ALTER DATABASE \(settings.database) ALLOW_CONNECTIONS true")
        }
    }

    /// Needs the real detectors: an obvious spike in a flat series is reported by every method.
    static func spikeIsReported(_ backend: Backend) async throws {
        try requireRealDetectors()
        try await withApp(backend) { client in
            var values = (0..<300).map { 50 + sin(Double($0) / 5) }
            values[150] = 500
            for method in ["zscore", "mad", "iqr", "ewma", "isolation_forest", "ensemble"] {
                let r = try await client.detect(series(values, method: method))
                XCTAssertEqual(r.status, .created)
                let body = try json(r)
                let anomalies = body["anomalies"] as? [[String: Any]] ?? []
                let spike = anomalies.first { $0["index"] as? Int == 150 }
                XCTAssertNotNil(spike, "\(method) missed the spike")
                XCTAssertEqual(spike?["timestamp"] as? String, minuteTimestamps(300)[150])
                XCTAssertEqual(spike?["value"] as? Double, 500)
                let id = body["id"] as! String
                let stored = try json(try await client.get("/api/v1/detections/\(id)"))
                XCTAssertEqual((stored["anomalies"] as? [[String: Any]])?.count, anomalies.count)
            }
            let high = try json(try await client.get("/api/v1/detections?severity=low"))
            XCTAssertEqual(high["total"] as? Int, 6)
        }
    }
}
