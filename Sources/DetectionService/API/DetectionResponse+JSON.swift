import AnomalyDetection
import Hummingbird

extension DetectionResponse {
    /// The document `JSONEncoder` makes of `DetectionResponse(record, includeAnomalies: true)`,
    /// written directly: detect answers with one on every request. Absent optionals are left out
    /// as the encoder does; `by_severity` lists severities from low to critical.
    static func write(_ r: DetectionRecord, to json: inout JSONWriter) {
        json.object { json in
            json.key("id")
            json.string(r.id)
            json.key("created_at")
            json.string(Timestamp.iso8601(milliseconds: r.createdAtMilliseconds))
            json.key("method")
            json.string(r.method.rawValue)
            json.key("anomalies")
            json.array(r.anomalies) { json, a in
                json.object { json in
                    json.key("index")
                    json.int(a.index)
                    json.key("timestamp")
                    json.string(a.timestamp)
                    json.key("value")
                    json.double(a.value)
                    json.key("score")
                    json.double(a.score)
                    json.key("severity")
                    json.string(a.severity.rawValue)
                }
            }
            json.key("summary")
            json.object { json in
                json.key("points")
                json.int(r.pointCount)
                json.key("anomalies")
                json.int(r.anomalyCount)
                json.key("anomaly_rate")
                json.double(r.pointCount > 0 ? Double(r.anomalyCount) / Double(r.pointCount) : 0)
                if let maxSeverity = r.maxSeverity {
                    json.key("max_severity")
                    json.string(maxSeverity.rawValue)
                }
                var counts = [Int](repeating: 0, count: Severity.allCases.count)
                for a in r.anomalies { counts[a.severity.rank] += 1 }
                json.key("by_severity")
                json.object { json in
                    for (rank, severity) in Severity.allCases.enumerated() {
                        json.key(severity.rawValue)
                        json.int(counts[rank])
                    }
                }
                json.key("mean")
                json.double(finite(r.mean))
                json.key("std_dev")
                json.double(finite(r.standardDeviation))
                json.key("sensitivity")
                json.double(r.sensitivity)
                if let threshold = r.ensembleThreshold {
                    json.key("ensemble_threshold")
                    json.int(threshold)
                }
                json.key("duration_ms")
                json.double(r.durationMilliseconds)
            }
        }
    }
}
