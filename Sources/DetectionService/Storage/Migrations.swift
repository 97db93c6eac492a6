/// Schema changes, in order. The SQL is written to run unchanged on SQLite and PostgreSQL.
enum Migrations {
    struct Migration {
        var version: Int
        var name: String
        var statements: [String]
    }

    static let tableStatement = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at_ms BIGINT NOT NULL
        )
        """

    static let all: [Migration] = [
        Migration(
            version: 1, name: "create detection runs and anomalies",
            statements: [
                """
                CREATE TABLE detection_runs (
                    id TEXT PRIMARY KEY,
                    created_at_ms BIGINT NOT NULL,
                    method TEXT NOT NULL,
                    sensitivity DOUBLE PRECISION NOT NULL,
                    ensemble_threshold INTEGER,
                    point_count INTEGER NOT NULL,
                    anomaly_count INTEGER NOT NULL,
                    max_severity INTEGER NOT NULL,
                    mean DOUBLE PRECISION NOT NULL,
                    std_dev DOUBLE PRECISION NOT NULL,
                    duration_ms DOUBLE PRECISION NOT NULL
                )
                """,
                "CREATE INDEX detection_runs_created ON detection_runs (created_at_ms, id)",
                "CREATE INDEX detection_runs_method ON detection_runs (method, created_at_ms)",
                """
                CREATE TABLE detection_anomalies (
                    run_id TEXT NOT NULL REFERENCES detection_runs (id) ON DELETE CASCADE,
                    idx INTEGER NOT NULL,
                    ts TEXT NOT NULL,
                    value DOUBLE PRECISION NOT NULL,
                    score DOUBLE PRECISION NOT NULL,
                    severity TEXT NOT NULL,
                    PRIMARY KEY (run_id, idx)
                )
                """,
            ])
    ]

    static var latestVersion: Int { all.last?.version ?? 0 }

    static let runColumns = """
        id, created_at_ms, method, sensitivity, ensemble_threshold, point_count, anomaly_count, max_severity, \
        mean, std_dev, duration_ms
        """

    /// WHERE clause and its arguments for a list query; `placeholder(n)` spells the n-th (1-based) parameter.
    static func whereClause(_ q: DetectionQuery, placeholder: (Int) -> String) -> (sql: String, args: [SQLArgument]) {
        var conditions: [String] = []
        var args: [SQLArgument] = []
        if let since = q.sinceMilliseconds {
            args.append(.int(since))
            conditions.append("created_at_ms >= \(placeholder(args.count))")
        }
        if let s = q.minimumSeverity {
            args.append(.int(Int64(s.rank)))
            conditions.append("max_severity >= \(placeholder(args.count))")
        }
        if let m = q.method {
            args.append(.text(m.rawValue))
            conditions.append("method = \(placeholder(args.count))")
        }
        return (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "), args)
    }

    enum SQLArgument: Equatable {
        case int(Int64)
        case text(String)
    }
}
