import AnomalyDetection
import Foundation
import Logging
import ServiceLifecycle

/// Where runs and their anomalies are kept. SQLite and PostgreSQL implement it; the API code sees
/// only this protocol, and the same API tests run against both.
public protocol DetectionStore: Sendable {
    /// `sqlite` or `postgresql`, for logs and metrics.
    var backendName: String { get }
    /// A service that must run while the store is used (a connection pool), if any.
    var service: (any Service)? { get }
    /// Brings the schema to `Migrations.latestVersion`; safe to run from several instances at once.
    func migrate(logger: Logger) async throws
    /// The schema version in the database (0 if none); throws if the database does not answer.
    func schemaVersion() async throws -> Int
    func save(_ record: DetectionRecord) async throws
    func list(_ query: DetectionQuery) async throws -> DetectionPage
    func fetch(id: String) async throws -> DetectionRecord?
}

/// One stored run of a detector over a series.
public struct DetectionRecord: Sendable, Equatable {
    public var id: String
    /// Milliseconds since 1970, UTC.
    public var createdAtMilliseconds: Int64
    public var method: DetectionMethod
    public var sensitivity: Double
    public var ensembleThreshold: Int?
    public var pointCount: Int
    public var anomalyCount: Int
    public var maxSeverity: Severity?
    public var mean: Double
    public var standardDeviation: Double
    public var durationMilliseconds: Double
    /// Empty in list results; filled by `fetch(id:)`.
    public var anomalies: [StoredAnomaly]

    public init(
        id: String, createdAtMilliseconds: Int64, method: DetectionMethod, sensitivity: Double,
        ensembleThreshold: Int?, pointCount: Int, anomalyCount: Int, maxSeverity: Severity?, mean: Double,
        standardDeviation: Double, durationMilliseconds: Double, anomalies: [StoredAnomaly]
    ) {
        self.id = id
        self.createdAtMilliseconds = createdAtMilliseconds
        self.method = method
        self.sensitivity = sensitivity
        self.ensembleThreshold = ensembleThreshold
        self.pointCount = pointCount
        self.anomalyCount = anomalyCount
        self.maxSeverity = maxSeverity
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.durationMilliseconds = durationMilliseconds
        self.anomalies = anomalies
    }
}

public struct StoredAnomaly: Sendable, Equatable {
    public var index: Int
    public var timestamp: String
    public var value: Double
    public var score: Double
    public var severity: Severity

    public init(index: Int, timestamp: String, value: Double, score: Double, severity: Severity) {
        self.index = index
        self.timestamp = timestamp
        self.value = value
        self.score = score
        self.severity = severity
    }
}

public struct DetectionQuery: Sendable, Equatable {
    public var sinceMilliseconds: Int64?
    /// Runs whose most severe anomaly is at least this severe.
    public var minimumSeverity: Severity?
    public var method: DetectionMethod?
    public var limit: Int
    public var offset: Int

    public init(
        sinceMilliseconds: Int64? = nil, minimumSeverity: Severity? = nil, method: DetectionMethod? = nil,
        limit: Int = 50, offset: Int = 0
    ) {
        self.sinceMilliseconds = sinceMilliseconds
        self.minimumSeverity = minimumSeverity
        self.method = method
        self.limit = limit
        self.offset = offset
    }
}

public struct DetectionPage: Sendable, Equatable {
    public var items: [DetectionRecord]
    public var total: Int
}

/// A failed database operation; `operation` feeds the db-errors metric and the log.
public struct StorageError: Error, CustomStringConvertible {
    public var backend: String
    public var operation: String
    public var underlying: String

    public var description: String { "\(backend) \(operation) failed: \(underlying)" }
}

extension Severity {
    /// Stored as a rank so "at least this severe" is one comparison; -1 means no anomaly.
    var rank: Int { Severity.allCases.firstIndex(of: self)! }

    init?(rank: Int) {
        guard rank >= 0, rank < Severity.allCases.count else { return nil }
        self = Severity.allCases[rank]
    }
}
