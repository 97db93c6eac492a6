import AnomalyDetection
import DetectionService
import Foundation
import XCTest

/// The storage protocol's contract, run against both backends.
enum StorageSuite {
    static func withStore(_ backend: Backend, _ body: (any DetectionStore) async throws -> Void) async throws {
        let config = try makeConfig(backend)
        switch config.database {
        case .sqlite(let path):
            try await body(try SQLiteDetectionStore(path: path))
        case .postgres(let settings):
            let store = PostgresDetectionStore(settings: settings, poolSize: 2, logger: testLogger())
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.service!.run() }
                defer { group.cancelAll() }
                try await body(store)
            }
        }
    }

    static func record(_ n: Int, method: DetectionMethod, severities: [Severity], at ms: Int64) -> DetectionRecord {
        DetectionRecord(
            id: UUID().uuidString.lowercased(), createdAtMilliseconds: ms, method: method, sensitivity: 2.5,
            ensembleThreshold: method == .ensemble ? 2 : nil, pointCount: n, anomalyCount: severities.count,
            maxSeverity: severities.max(), mean: 1.25, standardDeviation: 0.5, durationMilliseconds: 0.75,
            anomalies: severities.enumerated().map {
                StoredAnomaly(
                    index: $0.offset * 3, timestamp: "2024-05-01T00:0\($0.offset):00Z",
                    value: Double($0.offset) + 0.125,
                    score: 3.5 + Double($0.offset), severity: $0.element)
            })
    }

    static func storageRoundTrip(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            try await store.migrate(logger: testLogger())
            let r = record(10, method: .ensemble, severities: [.low, .critical, .medium], at: 1_714_521_600_123)
            try await store.save(r)
            let fetched = try await store.fetch(id: r.id)
            XCTAssertEqual(fetched, r)
            let page = try await store.list(DetectionQuery())
            XCTAssertEqual(page.total, 1)
            var withoutAnomalies = r
            withoutAnomalies.anomalies = []
            XCTAssertEqual(page.items, [withoutAnomalies])
            let none = try await store.fetch(id: UUID().uuidString.lowercased())
            XCTAssertNil(none)
            // A duplicate id is a storage error, not a crash.
            do {
                try await store.save(r)
                XCTFail("saving the same id twice succeeded")
            } catch is StorageError {}
        }
    }

    static func severityFilter(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            try await store.migrate(logger: testLogger())
            try await store.save(record(5, method: .zscore, severities: [], at: 1000))
            try await store.save(record(5, method: .zscore, severities: [.low], at: 2000))
            try await store.save(record(5, method: .mad, severities: [.low, .high], at: 3000))
            try await store.save(record(5, method: .iqr, severities: [.critical], at: 4000))
            func count(_ q: DetectionQuery) async throws -> Int { try await store.list(q).total }
            let low = try await count(DetectionQuery(minimumSeverity: .low))
            let high = try await count(DetectionQuery(minimumSeverity: .high))
            let critical = try await count(DetectionQuery(minimumSeverity: .critical))
            let highSince = try await count(DetectionQuery(sinceMilliseconds: 3500, minimumSeverity: .high))
            let zscoreLow = try await count(DetectionQuery(minimumSeverity: .low, method: .zscore))
            XCTAssertEqual([low, high, critical, highSince, zscoreLow], [3, 2, 1, 1, 1])
        }
    }

    static func migrationsAreIdempotent(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let before = try await store.schemaVersion()
            XCTAssertEqual(before, 0)
            try await store.migrate(logger: testLogger())
            try await store.migrate(logger: testLogger())
            let after = try await store.schemaVersion()
            XCTAssertEqual(after, 1)
        }
    }

    /// Many saves at once (SQLite commits them in shared transactions): each one is stored, and a
    /// run that cannot be stored fails alone without taking the runs committed with it down.
    static func concurrentSavesAreEachStored(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            try await store.migrate(logger: testLogger())
            let existing = record(5, method: .zscore, severities: [.high], at: 1_000)
            try await store.save(existing)
            let fresh = (0..<63).map { n in
                record(n + 1, method: .mad, severities: Array(repeating: .low, count: n % 4), at: 2_000 + Int64(n))
            }
            // The duplicate sits in the middle, so it shares a transaction with fresh runs.
            let batch = Array(fresh[..<31]) + [existing] + Array(fresh[31...])
            let outcomes = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
                for (position, r) in batch.enumerated() {
                    group.addTask {
                        do {
                            try await store.save(r)
                            return ("\(position)", true)
                        } catch is StorageError {
                            return ("\(position)", false)
                        }
                    }
                }
                var all: [String: Bool] = [:]
                for try await (position, stored) in group { all[position] = stored }
                return all
            }
            XCTAssertEqual(outcomes.filter { !$0.value }.map(\.key), ["31"], "only the duplicate id fails")
            for r in fresh {
                let fetched = try await store.fetch(id: r.id)
                XCTAssertEqual(fetched, r)
            }
            let total = try await store.list(DetectionQuery()).total
            XCTAssertEqual(total, 64)
        }
    }
}
