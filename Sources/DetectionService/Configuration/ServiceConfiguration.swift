import Logging

/// Everything the service needs to start, already validated. Build one directly (tests) or with
/// `ServiceConfiguration.load(arguments:environment:)` (the executable: flags, environment, env file).
public struct ServiceConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// When set, `/metrics` is served on this port only (so it need not be exposed with the API).
    public var metricsPort: Int?
    public var database: DatabaseLocation
    /// PostgreSQL connection pool size.
    public var databasePoolSize: Int
    public var apiKeys: APIKeySet
    /// Development only: accept API requests without a key.
    public var requireAPIKey: Bool
    public var rateLimit: RateLimitSettings
    public var maxBodyBytes: Int
    public var maxPoints: Int
    /// How long `/ready` reports 503 while the listener still serves, after SIGTERM.
    public var drainDelay: Duration
    /// Upper bound on graceful shutdown after the drain delay; then in-flight work is cancelled.
    public var shutdownTimeout: Duration
    public var logLevel: Logger.Level
    public var version: String
    public var buildID: String

    public static let hardMaxPoints = 100_000

    public init(
        host: String = "127.0.0.1", port: Int = 8000, metricsPort: Int? = nil,
        database: DatabaseLocation = .sqlite(path: "/var/lib/detection-service/detections.sqlite3"),
        databasePoolSize: Int = 10, apiKeys: APIKeySet = APIKeySet(), requireAPIKey: Bool = true,
        rateLimit: RateLimitSettings = RateLimitSettings(), maxBodyBytes: Int = 8 * 1024 * 1024,
        maxPoints: Int = ServiceConfiguration.hardMaxPoints, drainDelay: Duration = .seconds(5),
        shutdownTimeout: Duration = .seconds(25), logLevel: Logger.Level = .info,
        version: String = BuildInfo.version, buildID: String = BuildInfo.buildID
    ) {
        self.host = host
        self.port = port
        self.metricsPort = metricsPort
        self.database = database
        self.databasePoolSize = databasePoolSize
        self.apiKeys = apiKeys
        self.requireAPIKey = requireAPIKey
        self.rateLimit = rateLimit
        self.maxBodyBytes = maxBodyBytes
        self.maxPoints = maxPoints
        self.drainDelay = drainDelay
        self.shutdownTimeout = shutdownTimeout
        self.logLevel = logLevel
        self.version = version
        self.buildID = buildID
    }
}

public struct RateLimitSettings: Sendable, Equatable {
    /// Tokens added per second for each API key; 0 disables rate limiting.
    public var requestsPerSecond: Double
    /// Bucket size: how many requests a key may send at once after being idle.
    public var burst: Int

    public init(requestsPerSecond: Double = 20, burst: Int = 40) {
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
    }

    public var isEnabled: Bool { requestsPerSecond > 0 }
}
