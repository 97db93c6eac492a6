import AnomalyDetection

enum AnomalyDetectionProbe {
    /// Whether z-score flags an obvious spike; the stub never does.
    static func run(_ values: [Double]) throws -> Bool {
        try detect(values, method: .zscore).anomalies.contains { $0.index == 50 }
    }
}
