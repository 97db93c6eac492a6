import AnomalyDetection
import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// The embedded default: one SQLite file in WAL mode, so readers (lists, readiness) never wait
/// for the writer.
public final class SQLiteDetectionStore: DetectionStore {
    public let backendName = "sqlite"
    public var service: (any Service)? { nil }
    let pool: DatabasePool
    let path: String
    private let writes: SQLiteWriteQueue

    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        // WAL with synchronous=NORMAL is durable across process crashes; a power loss may drop the
        // last few commits, an accepted trade for a detection log.
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        config.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StorageError(backend: "sqlite", operation: "open \(path)", underlying: "\(error)")
        }
        writes = SQLiteWriteQueue(pool: pool)
    }

    public func migrate(logger: Logger) async throws {
        try await wrap("migrate") {
            try await pool.write { db in
                try db.execute(sql: Migrations.tableStatement)
                let current = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM schema_migrations") ?? 0
                for m in Migrations.all where m.version > current {
                    for statement in m.statements { try db.execute(sql: statement) }
                    try db.execute(
                        sql: "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)",
                        arguments: [m.version, m.name, Self.nowMilliseconds()])
                    logger.info(
                        "applied migration", metadata: ["version": "\(m.version)", "name": "\(m.name)", "db": "sqlite"])
                }
            }
        }
    }

    public func schemaVersion() async throws -> Int {
        try await wrap("schema version") {
            try await pool.read { db in
                guard try db.tableExists("schema_migrations") else { return 0 }
                return try Int.fetchOne(db, sql: "SELECT MAX(version) FROM schema_migrations") ?? 0
            }
        }
    }

    public func save(_ record: DetectionRecord) async throws {
        try await writes.save(record)
    }

    public func list(_ query: DetectionQuery) async throws -> DetectionPage {
        try await wrap("list detections") {
            try await pool.read { db in
                let (clause, args) = Migrations.whereClause(query) { _ in "?" }
                var arguments = StatementArguments()
                for arg in args {
                    switch arg {
                    case .int(let v): arguments += [v]
                    case .text(let v): arguments += [v]
                    }
                }
                let total =
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM detection_runs" + clause, arguments: arguments) ?? 0
                let rows = try Row.fetchAll(
                    db,
                    sql: "SELECT \(Migrations.runColumns) FROM detection_runs\(clause) "
                        + "ORDER BY created_at_ms DESC, id DESC LIMIT \(query.limit) OFFSET \(query.offset)",
                    arguments: arguments)
                return DetectionPage(items: try rows.map(Self.record), total: total)
            }
        }
    }

    public func fetch(id: String) async throws -> DetectionRecord? {
        try await wrap("fetch detection") {
            try await pool.read { db in
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT \(Migrations.runColumns) FROM detection_runs WHERE id = ?", arguments: [id])
                else { return nil }
                var record = try Self.record(row)
                let anomalies = try Row.fetchAll(
                    db,
                    sql:
                        "SELECT idx, ts, value, score, severity FROM detection_anomalies WHERE run_id = ? ORDER BY idx",
                    arguments: [id])
                record.anomalies = try anomalies.map { r in
                    let severity: String = r["severity"]
                    guard let s = Severity(rawValue: severity) else {
                        throw CorruptRow(column: "severity", value: severity)
                    }
                    return StoredAnomaly(
                        index: r["idx"], timestamp: r["ts"], value: r["value"], score: r["score"], severity: s)
                }
                return record
            }
        }
    }

    static func record(_ row: Row) throws -> DetectionRecord {
        let methodName: String = row["method"]
        guard let method = DetectionMethod(rawValue: methodName) else {
            throw CorruptRow(column: "method", value: methodName)
        }
        let rank: Int = row["max_severity"]
        return DetectionRecord(
            id: row["id"], createdAtMilliseconds: row["created_at_ms"], method: method, sensitivity: row["sensitivity"],
            ensembleThreshold: row["ensemble_threshold"], pointCount: row["point_count"],
            anomalyCount: row["anomaly_count"], maxSeverity: Severity(rank: rank), mean: row["mean"],
            standardDeviation: row["std_dev"], durationMilliseconds: row["duration_ms"], anomalies: [])
    }

    private func wrap<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as StorageError {
            throw e
        } catch {
            throw StorageError(backend: "sqlite", operation: operation, underlying: "\(error)")
        }
    }

    static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}

struct CorruptRow: Error, CustomStringConvertible {
    var column: String
    var value: String
    var description: String { "stored \(column) `\(value)` is not recognised (written by a newer version?)" }
}
