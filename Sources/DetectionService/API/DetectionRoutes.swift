import AnomalyDetection
import Foundation
import Hummingbird
import Logging

/// `POST /detect`, `GET /detections`, `GET /detections/{id}` (mounted under `/api/v1`).
struct DetectionRoutes {
    let store: any DetectionStore
    let metrics: ServiceMetrics
    let maxBodyBytes: Int
    let maxPoints: Int

    /// A database that stops answering must turn into a quick 503, not requests parked until the
    /// pool gives up on connecting.
    static let readTimeout = Duration.seconds(5)
    static let writeTimeout = Duration.seconds(10)

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("detect", use: detect)
        group.get("detections", use: list)
        group.get("detections/{id}", use: show)
    }

    @Sendable func detect(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw tooLarge()
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge()
        }
        let parsed = try DetectRequest.parse(Data(buffer: buffer), maxPoints: maxPoints)

        let start = ContinuousClock.now
        let outcome: DetectionOutcome
        do {
            outcome = try AnomalyDetection.detect(parsed.values, method: parsed.method, options: parsed.options)
        } catch let error as DetectionError {
            metrics.recordAnalysisFailure(method: parsed.method.rawValue, reason: "invalid_input")
            switch error {
            case .emptySeries: throw APIError.invalid("values", "the series is empty")
            case .nonFiniteValue(let i): throw APIError.invalid("values[\(i)]", "not a finite number")
            case .invalidOption(let name, let reason): throw APIError.invalid(name, reason)
            }
        } catch {
            metrics.recordAnalysisFailure(method: parsed.method.rawValue, reason: "detector_error")
            context.logger.error(
                "detector failed", metadata: ["method": "\(parsed.method.rawValue)", "error": "\(error)"])
            throw APIError(
                status: .internalServerError, code: "analysis_failed",
                message: "the \(parsed.method.rawValue) detector failed on this series", field: nil)
        }
        let elapsed = ContinuousClock.now - start
        let anomalies = outcome.anomalies.filter { $0.index >= 0 && $0.index < parsed.values.count }
        let createdAt = SQLiteDetectionStore.nowMilliseconds()
        let record = DetectionRecord(
            id: RunID.make(milliseconds: createdAt), createdAtMilliseconds: createdAt,
            method: parsed.method, sensitivity: parsed.options.sensitivity,
            ensembleThreshold: parsed.ensembleThreshold, pointCount: parsed.values.count,
            anomalyCount: anomalies.count, maxSeverity: anomalies.map(\.severity).max(), mean: finite(outcome.mean),
            standardDeviation: finite(outcome.standardDeviation),
            durationMilliseconds: Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds)
                * 1000,
            anomalies: anomalies.map {
                StoredAnomaly(
                    index: $0.index, timestamp: parsed.timestamps[$0.index], value: $0.value, score: finite($0.score),
                    severity: $0.severity)
            })
        do {
            try await withTimeout(Self.writeTimeout) { try await store.save(record) }
        } catch {
            metrics.recordDatabaseError(operation: "save")
            metrics.recordAnalysisFailure(method: parsed.method.rawValue, reason: "storage")
            context.logger.error("storing a detection failed", metadata: ["error": "\(error)"])
            throw APIError(
                status: .serviceUnavailable, code: "storage_unavailable",
                message: "the detection could not be stored; retry later", field: nil)
        }
        metrics.recordDetection(method: parsed.method, anomalies: anomalies)
        return APIError.jsonResponse(status: .created) { DetectionResponse.write(record, to: &$0) }
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let params = request.uri.queryParameters
        var query = DetectionQuery()
        if let v = params["limit"] {
            guard let n = Int(v), (1...500).contains(n) else { throw APIError.invalid("limit", "must be 1...500") }
            query.limit = n
        }
        if let v = params["offset"] {
            guard let n = Int(v), n >= 0, n <= 10_000_000 else {
                throw APIError.invalid("offset", "must be a whole number >= 0")
            }
            query.offset = n
        }
        if let v = params["since"] {
            guard let ms = Timestamp.milliseconds(from: String(v)) else {
                throw APIError.invalid("since", "`\(v.prefix(40))` is not an ISO 8601 time or seconds since 1970")
            }
            query.sinceMilliseconds = ms
        }
        if let v = params["severity"] {
            guard let s = Severity(rawValue: String(v)) else {
                throw APIError.invalid("severity", "`\(v.prefix(40))` is not one of low, medium, high, critical")
            }
            query.minimumSeverity = s
        }
        if let v = params["method"] {
            guard let m = DetectionMethod(rawValue: String(v)) else {
                throw APIError.invalid("method", "`\(v.prefix(40))` is not one of \(DetectRequest.methodNames)")
            }
            query.method = m
        }
        let page: DetectionPage
        do {
            let finalQuery = query
            page = try await withTimeout(Self.readTimeout) { try await store.list(finalQuery) }
        } catch {
            throw storageFailure(error, operation: "list", context: context)
        }
        let next = query.offset + page.items.count
        return APIError.jsonResponse(
            status: .ok,
            DetectionListResponse(
                items: page.items.map { DetectionResponse($0, includeAnomalies: false) }, total: page.total,
                limit: query.limit, offset: query.offset, next_offset: next < page.total ? next : nil))
    }

    @Sendable func show(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let notFound = APIError(
            status: .notFound, code: "not_found", message: "no detection with id `\(id.prefix(64))`", field: "id")
        // Ids are lower-case UUIDs; anything else cannot exist, so skip the database.
        guard id.utf8.count == 36, UUID(uuidString: id) != nil else { throw notFound }
        let record: DetectionRecord?
        do {
            record = try await withTimeout(Self.readTimeout) { try await store.fetch(id: id) }
        } catch {
            throw storageFailure(error, operation: "fetch", context: context)
        }
        guard let record else { throw notFound }
        return APIError.jsonResponse(status: .ok) { DetectionResponse.write(record, to: &$0) }
    }

    private func tooLarge() -> APIError {
        APIError(
            status: .contentTooLarge, code: "payload_too_large",
            message: "body: larger than the limit of \(maxBodyBytes) bytes", field: "body")
    }

    private func storageFailure(_ error: any Error, operation: String, context: ServiceRequestContext) -> APIError {
        metrics.recordDatabaseError(operation: operation)
        context.logger.error("database \(operation) failed", metadata: ["error": "\(error)"])
        return APIError(
            status: .serviceUnavailable, code: "storage_unavailable",
            message: "the database is unavailable; retry later",
            field: nil)
    }
}
