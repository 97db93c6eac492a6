import AnomalyDetection
import Prometheus

/// The service's Prometheus metrics, in a registry of its own so each application (and test)
/// exports only what it recorded.
final class ServiceMetrics: Sendable {
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

    init(version: String, buildID: String, backend: String) {
        registry.makeGauge(
            descriptor: Self.buildInfo, labels: [("version", version), ("build_id", buildID), ("db", backend)]
        ).set(to: 1.0)
        // Pre-declare the series dashboards and alerts query, so they exist at zero.
        for method in DetectionMethod.allCases {
            _ = registry.makeCounter(descriptor: Self.detections, labels: [("method", method.rawValue)])
            for severity in Severity.allCases {
                _ = registry.makeCounter(
                    descriptor: Self.anomalies, labels: [("method", method.rawValue), ("severity", severity.rawValue)])
            }
        }
    }

    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.latency, labels: [("route", route)], buckets: Self.latencyBuckets
        )
        .record(duration)
    }

    func recordDetection(method: DetectionMethod, anomalies: [Anomaly]) {
        registry.makeCounter(descriptor: Self.detections, labels: [("method", method.rawValue)]).increment()
        var counts = [Int](repeating: 0, count: Severity.allCases.count)
        for a in anomalies { counts[a.severity.rank] += 1 }
        for (rank, n) in counts.enumerated() where n > 0 {
            registry.makeCounter(
                descriptor: Self.anomalies,
                labels: [("method", method.rawValue), ("severity", Severity.allCases[rank].rawValue)]
            ).increment(by: Int64(n))
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
