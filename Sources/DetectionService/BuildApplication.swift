import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Builds the detection service: storage chosen by `config.database` (migrated before the server
/// accepts connections), routes, metrics, API keys, rate limits and the SIGTERM drain.
public func buildApplication(_ config: ServiceConfiguration, logger: Logger) async throws -> some ApplicationProtocol {
    try await makeDetectionApplication(config, logger: logger)
}

/// `buildApplication` with its concrete type, for callers that need it.
public func makeDetectionApplication(_ config: ServiceConfiguration, logger: Logger) async throws
    -> DetectionApplication
{
    let logger = {
        var l = logger
        l.logLevel = config.logLevel
        return l
    }()
    let store: any DetectionStore
    switch config.database {
    case .sqlite(let path): store = try SQLiteDetectionStore(path: path)
    case .postgres(let settings):
        store = PostgresDetectionStore(settings: settings, poolSize: config.databasePoolSize, logger: logger)
    }
    let state = ServiceState()
    let metrics = ServiceMetrics(version: config.version, buildID: config.buildID, backend: store.backendName)

    let router = Router(context: ServiceRequestContext.self)
    router.add(middleware: ObservationMiddleware(metrics: metrics))
    OperationsRoutes(store: store, state: state, metrics: metrics, version: config.version, buildID: config.buildID)
        .register(on: router, includeMetrics: config.metricsPort == nil)
    let api = router.group("api/v1").add(
        middleware: APIKeyMiddleware(
            keys: config.apiKeys, required: config.requireAPIKey, limiter: RateLimiter(settings: config.rateLimit)))
    DetectionRoutes(store: store, metrics: metrics, maxBodyBytes: config.maxBodyBytes, maxPoints: config.maxPoints)
        .register(on: api)

    var services: [any Service] = []
    if let pool = store.service { services.append(pool) }
    if let metricsPort = config.metricsPort {
        let metricsRouter = Router()
        metricsRouter.get("metrics") { _, _ in OperationsRoutes.metricsResponse(metrics) }
        services.append(
            Application(
                router: metricsRouter,
                configuration: .init(address: .hostname(config.host, port: metricsPort), serverName: nil),
                onServerRunning: { channel in
                    logger.info(
                        "metrics listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
                },
                logger: logger))
    }
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: nil),
        services: services,
        onServerRunning: { channel in
            logger.info(
                "listening",
                metadata: [
                    "address": "\(channel.localAddress.map { "\($0)" } ?? "?")",
                    "port": "\(channel.localAddress?.port ?? -1)",
                    "version": "\(config.version)", "build_id": "\(config.buildID)", "db": "\(store.backendName)",
                ])
        },
        logger: logger)
    app.beforeServerStarts {
        try await store.migrate(logger: logger)
    }
    return DetectionApplication(
        base: app, drain: DrainService(state: state, delay: config.drainDelay, logger: logger),
        shutdownBound: config.drainDelay + config.shutdownTimeout)
}
