import AnomalyDetection

/// JSON shapes of the detection endpoints (snake_case on the wire).
struct DetectionResponse: Encodable {
    struct AnomalyBody: Encodable {
        var index: Int
        var timestamp: String
        var value: Double
        var score: Double
        var severity: String
    }

    struct Summary: Encodable {
        var points: Int
        var anomalies: Int
        var anomaly_rate: Double
        var max_severity: String?
        var by_severity: [String: Int]
        var mean: Double
        var std_dev: Double
        var sensitivity: Double
        var ensemble_threshold: Int?
        var duration_ms: Double
    }

    var id: String
    var created_at: String
    var method: String
    var anomalies: [AnomalyBody]?
    var summary: Summary

    init(_ r: DetectionRecord, includeAnomalies: Bool) {
        id = r.id
        created_at = Timestamp.iso8601(milliseconds: r.createdAtMilliseconds)
        method = r.method.rawValue
        var bySeverity = Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, 0) })
        for a in r.anomalies { bySeverity[a.severity.rawValue, default: 0] += 1 }
        anomalies =
            includeAnomalies
            ? r.anomalies.map {
                AnomalyBody(
                    index: $0.index, timestamp: $0.timestamp, value: $0.value, score: $0.score,
                    severity: $0.severity.rawValue)
            } : nil
        summary = Summary(
            points: r.pointCount, anomalies: r.anomalyCount,
            anomaly_rate: r.pointCount > 0 ? Double(r.anomalyCount) / Double(r.pointCount) : 0,
            max_severity: r.maxSeverity?.rawValue, by_severity: bySeverity, mean: finite(r.mean),
            std_dev: finite(r.standardDeviation), sensitivity: r.sensitivity, ensemble_threshold: r.ensembleThreshold,
            duration_ms: r.durationMilliseconds)
        // Lists carry no anomalies, so their per-severity counts would be zeros: leave them out.
        if !includeAnomalies { summary.by_severity = [:] }
    }
}

struct DetectionListResponse: Encodable {
    var items: [DetectionResponse]
    var total: Int
    var limit: Int
    var offset: Int
    var next_offset: Int?
}

/// JSON cannot carry NaN or infinity; a detector's degenerate statistic must not turn into a 500.
func finite(_ x: Double) -> Double {
    if x.isFinite { return x }
    if x.isNaN { return 0 }
    return x > 0 ? Double.greatestFiniteMagnitude : -Double.greatestFiniteMagnitude
}
