import AnomalyDetection
import Logging
import NIOSSL
import PostgresNIO
import ServiceLifecycle

/// Production storage: a pooled `PostgresClient`. The pool is a Service that must be running
/// (the application adds `service` to its service group) before any query completes.
public final class PostgresDetectionStore: DetectionStore {
    public let backendName = "postgresql"
    let client: PostgresClient
    let logger: Logger

    public var service: (any Service)? { client }

    public init(settings: PostgresSettings, poolSize: Int, logger: Logger) {
        // libpq's meaning of each sslmode (see PostgresSettings.TLSMode).
        var encryptOnly = TLSConfiguration.makeClientConfiguration()
        encryptOnly.certificateVerification = .none
        var verifying = TLSConfiguration.makeClientConfiguration()
        if let roots = settings.rootCertificatePath { verifying.trustRoots = .file(roots) }
        let tls: PostgresClient.Configuration.TLS
        switch settings.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(encryptOnly)
        case .require: tls = .require(encryptOnly)
        case .verifyCA:
            verifying.certificateVerification = .noHostnameVerification
            tls = .require(verifying)
        case .verifyFull: tls = .require(verifying)
        }
        var config = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: tls)
        config.options.maximumConnections = poolSize
        config.options.connectTimeout = .seconds(5)
        self.client = PostgresClient(configuration: config, backgroundLogger: logger)
        self.logger = logger
    }

    /// A fixed key for `pg_advisory_xact_lock`: instances started together migrate one at a time.
    static let migrationLockKey: Int64 = 0x6465_7465_6374

    public func migrate(logger: Logger) async throws {
        try await wrap("migrate") {
            try await client.withTransaction(logger: logger) { conn in
                try await conn.query("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: logger)
                try await conn.query(PostgresQuery(unsafeSQL: Migrations.tableStatement), logger: logger)
                var current = 0
                for try await v in try await conn.query(
                    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", logger: logger
                )
                .decode(Int.self) {
                    current = v
                }
                for m in Migrations.all where m.version > current {
                    for statement in m.statements {
                        try await conn.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    let now = SQLiteDetectionStore.nowMilliseconds()
                    try await conn.query(
                        """
                        INSERT INTO schema_migrations (version, name, applied_at_ms)
                        VALUES (\(m.version), \(m.name), \(now))
                        """,
                        logger: logger)
                    logger.info(
                        "applied migration",
                        metadata: ["version": "\(m.version)", "name": "\(m.name)", "db": "postgresql"])
                }
            }
        }
    }

    public func schemaVersion() async throws -> Int {
        try await wrap("schema version") {
            let rows = try await client.query(
                "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE 1 END", logger: logger)
            var exists = 0
            for try await v in rows.decode(Int.self) { exists = v }
            guard exists == 1 else { return 0 }
            var version = 0
            for try await v in try await client.query(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", logger: logger
            )
            .decode(Int.self) {
                version = v
            }
            return version
        }
    }

    public func save(_ record: DetectionRecord) async throws {
        try await wrap("save detection") {
            try await client.withTransaction(logger: logger) { conn in
                try await conn.query(
                    """
                    INSERT INTO detection_runs (\(unescaped: Migrations.runColumns))
                    VALUES (\(record.id), \(record.createdAtMilliseconds), \(record.method.rawValue), \(record.sensitivity),
                            \(record.ensembleThreshold), \(record.pointCount), \(record.anomalyCount),
                            \(record.maxSeverity?.rank ?? -1), \(record.mean), \(record.standardDeviation),
                            \(record.durationMilliseconds))
                    """, logger: logger)
                guard !record.anomalies.isEmpty else { return }
                // One statement for all anomalies: arrays bound once, unnested server-side.
                let a = record.anomalies
                try await conn.query(
                    """
                    INSERT INTO detection_anomalies (run_id, idx, ts, value, score, severity)
                    SELECT \(record.id), * FROM UNNEST(\(a.map(\.index))::int8[], \(a.map(\.timestamp))::text[],
                        \(a.map(\.value))::float8[], \(a.map(\.score))::float8[], \(a.map(\.severity.rawValue))::text[])
                    """, logger: logger)
            }
        }
    }

    public func list(_ query: DetectionQuery) async throws -> DetectionPage {
        try await wrap("list detections") {
            let (clause, args) = Migrations.whereClause(query) { "$\($0)" }
            var binds = PostgresBindings()
            for arg in args {
                switch arg {
                case .int(let v): binds.append(v)
                case .text(let v): binds.append(v)
                }
            }
            var total = 0
            for try await n in try await client.query(
                PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM detection_runs" + clause, binds: binds), logger: logger
            ).decode(Int.self) {
                total = n
            }
            let rows = try await client.query(
                PostgresQuery(
                    unsafeSQL: "SELECT \(Migrations.runColumns) FROM detection_runs\(clause) "
                        + "ORDER BY created_at_ms DESC, id DESC LIMIT \(query.limit) OFFSET \(query.offset)",
                    binds: binds),
                logger: logger)
            var items: [DetectionRecord] = []
            for try await row in rows { items.append(try Self.record(row)) }
            return DetectionPage(items: items, total: total)
        }
    }

    public func fetch(id: String) async throws -> DetectionRecord? {
        try await wrap("fetch detection") {
            var record: DetectionRecord?
            for try await row in try await client.query(
                "SELECT \(unescaped: Migrations.runColumns) FROM detection_runs WHERE id = \(id)", logger: logger)
            {
                record = try Self.record(row)
            }
            guard var found = record else { return nil }
            let rows = try await client.query(
                "SELECT idx, ts, value, score, severity FROM detection_anomalies WHERE run_id = \(id) ORDER BY idx",
                logger: logger)
            for try await (idx, ts, value, score, severity) in rows.decode((Int, String, Double, Double, String).self) {
                guard let s = Severity(rawValue: severity) else {
                    throw CorruptRow(column: "severity", value: severity)
                }
                found.anomalies.append(
                    StoredAnomaly(index: idx, timestamp: ts, value: value, score: score, severity: s))
            }
            return found
        }
    }

    static func record(_ row: PostgresRow) throws -> DetectionRecord {
        let (id, created, methodName, sensitivity, threshold, points, anomalies, rank, mean, std, duration) =
            try row.decode((String, Int64, String, Double, Int?, Int, Int, Int, Double, Double, Double).self)
        guard let method = DetectionMethod(rawValue: methodName) else {
            throw CorruptRow(column: "method", value: methodName)
        }
        return DetectionRecord(
            id: id, createdAtMilliseconds: created, method: method, sensitivity: sensitivity,
            ensembleThreshold: threshold, pointCount: points, anomalyCount: anomalies,
            maxSeverity: Severity(rank: rank),
            mean: mean, standardDeviation: std, durationMilliseconds: duration, anomalies: [])
    }

    private func wrap<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as StorageError {
            throw e
        } catch {
            // PSQLError's description hides server detail on purpose; the log needs it.
            throw StorageError(backend: "postgresql", operation: operation, underlying: String(reflecting: error))
        }
    }
}
