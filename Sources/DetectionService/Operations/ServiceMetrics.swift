import AnomalyDetection
import Foundation
import Prometheus

/// The service's Prometheus metrics, in a registry of its own so each application (and test)
/// exports only what it recorded.
///
/// The registry's `make…` calls validate names and labels and take the registry lock every time;
/// per request that was several string scans and allocations. So the series a request touches
/// are looked up once and kept: per method and severity from the start, per route and status on
/// first use.
final class ServiceMetrics: @unchecked Sendable {
    let registry = PrometheusCollectorRegistry()
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .seconds(2.5), .seconds(5), .seconds(10),
    ]

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "detection", metricName: metric, unitName: unit, helpText: help)
    }

    static let requests = name("http_requests", "total", "HTTP requests by route, method and status.")
    static let latency = name("http_request_duration", "seconds", "HTTP request latency by route.")
    static let detections = name("detections", "total", "Detection runs stored, by method.")
    static let anomalies = name("anomalies", "total", "Anomalies found, by method and severity.")
    static let failures = name("analysis_failures", "total", "Detection runs that failed, by method and reason.")
    static let dbErrors = name("db_errors", "total", "Database operations that failed, by operation.")
    static let buildInfo = name("build", "info", "Build of the running service; the value is always 1.")

    private struct RequestSeries: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    /// Indexed by `DetectionMethod.allCases` position (and severity rank); never changes.
    private let detectionCounters: [Counter]
    private let anomalyCounters: [[Counter]]
    private let lock = NSLock()
    private var requestCounters: [RequestSeries: Counter] = [:]
    private var latencyHistograms: [String: DurationHistogram] = [:]

    init(version: String, buildID: String, backend: String) {
        registry.makeGauge(
            descriptor: Self.buildInfo, labels: [("version", version), ("build_id", buildID), ("db", backend)]
        ).set(to: 1.0)
        // Pre-declare the series dashboards and alerts query, so they exist at zero.
        detectionCounters = DetectionMethod.allCases.map { [registry] method in
            registry.makeCounter(descriptor: Self.detections, labels: [("method", method.rawValue)])
        }
        anomalyCounters = DetectionMethod.allCases.map { [registry] method in
            Severity.allCases.map { severity in
                registry.makeCounter(
                    descriptor: Self.anomalies, labels: [("method", method.rawValue), ("severity", severity.rawValue)])
            }
        }
    }

    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let series = RequestSeries(route: route, method: method, status: status)
        lock.lock()
        let cached = (requestCounters[series], latencyHistograms[route])
        lock.unlock()
        let counter =
            cached.0
            ?? remember(series, in: \.requestCounters) {
                registry.makeCounter(
                    descriptor: Self.requests,
                    labels: [("route", route), ("method", method), ("status", String(status))])
            }
        let histogram =
            cached.1
            ?? remember(route, in: \.latencyHistograms) {
                registry.makeDurationHistogram(
                    descriptor: Self.latency, labels: [("route", route)], buckets: Self.latencyBuckets)
            }
        counter.increment()
        histogram.record(duration)
    }

    private func remember<Key: Hashable, Value>(
        _ key: Key, in cache: ReferenceWritableKeyPath<ServiceMetrics, [Key: Value]>, _ make: () -> Value
    ) -> Value {
        // The registry returns the same object for the same series, so a race here is harmless.
        let value = make()
        lock.lock()
        self[keyPath: cache][key] = value
        lock.unlock()
        return value
    }

    func recordDetection(method: DetectionMethod, anomalies: [Anomaly]) {
        let m = DetectionMethod.allCases.firstIndex(of: method)!
        detectionCounters[m].increment()
        var counts = [Int](repeating: 0, count: Severity.allCases.count)
        for a in anomalies { counts[a.severity.rank] += 1 }
        for (rank, n) in counts.enumerated() where n > 0 {
            anomalyCounters[m][rank].increment(by: Int64(n))
        }
    }

    func recordAnalysisFailure(method: String, reason: String) {
        registry.makeCounter(descriptor: Self.failures, labels: [("method", method), ("reason", reason)]).increment()
    }

    func recordDatabaseError(operation: String) {
        registry.makeCounter(descriptor: Self.dbErrors, labels: [("operation", operation)]).increment()
    }

    func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        registry.emit(into: &buffer)
        return buffer
    }
}
