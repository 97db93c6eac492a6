import Hummingbird

/// `/health`, `/ready`, `/version` and (unless it has its own port) `/metrics`; none needs a key.
struct OperationsRoutes {
    let store: any DetectionStore
    let state: ServiceState
    let metrics: ServiceMetrics
    let version: String
    let buildID: String

    struct Version: Encodable {
        var version: String
        var build_id: String
    }

    struct Readiness: Encodable {
        var status: String
        var checks: [String: String]
        var failing: [String]
    }

    func register(on router: Router<ServiceRequestContext>, includeMetrics: Bool) {
        router.get("health") { _, _ in
            // Probed often (load balancers, the deploy gate): written directly, like the detect answer.
            APIError.jsonResponse(status: .ok) { json in
                json.object { json in
                    json.key("status")
                    json.string("ok")
                    json.key("version")
                    json.string(version)
                    json.key("build_id")
                    json.string(buildID)
                    json.key("uptime_seconds")
                    json.double(state.uptimeSeconds)
                }
            }
        }
        router.get("version") { _, _ in
            APIError.jsonResponse(status: .ok, Version(version: version, build_id: buildID))
        }
        router.get("ready") { _, _ in
            let result = await readiness()
            return APIError.jsonResponse(status: result.failing.isEmpty ? .ok : .serviceUnavailable, result)
        }
        if includeMetrics {
            router.get("metrics") { _, _ in Self.metricsResponse(metrics) }
        }
    }

    static func metricsResponse(_ metrics: ServiceMetrics) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }

    /// Checks in order of how an operator fixes them; each failing one is named.
    func readiness() async -> Readiness {
        var checks: [String: String] = [:]
        var failing: [String] = []
        do {
            let version = try await withTimeout(.seconds(2)) { try await store.schemaVersion() }
            checks["database"] = "ok"
            if version == Migrations.latestVersion {
                checks["migrations"] = "ok"
            } else {
                checks["migrations"] = "schema version \(version), expected \(Migrations.latestVersion)"
                failing.append("migrations")
            }
        } catch {
            metrics.recordDatabaseError(operation: "ready")
            checks["database"] = error is TimeoutError ? "no answer within 2s" : "unreachable: \(error)"
            checks["migrations"] = "unknown"
            failing.append("database")
        }
        if state.isDraining {
            checks["draining"] = "shutting down"
            failing.append("draining")
        } else {
            checks["draining"] = "ok"
        }
        return Readiness(status: failing.isEmpty ? "ready" : "not ready", checks: checks, failing: failing)
    }
}
