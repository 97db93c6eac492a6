/// Tukey's fences: a point is flagged outside [Q1 − k·IQR, Q3 + k·IQR] with k = 0.75 · sensitivity
/// (so the default sensitivity 2 gives Tukey's k = 1.5, and 4 his "far out" 3). Quartiles are
/// numpy's linear percentiles. The score is the distance beyond the nearer quartile in IQRs (0
/// inside the box), so a point is flagged exactly when its score exceeds k.
struct IQRDetector {
    var sensitivity: Double

    static let fenceFactor = 0.75
    /// The IQR of a normal distribution in σ: the stand-in unit when ties make the IQR 0.
    static let normalIQRInSigmas = 1.349

    var fence: Double { Self.fenceFactor * sensitivity }

    func run(_ values: [Double], moments: SeriesStatistics.Moments) -> MethodResult {
        MethodResult(scores: Self.scores(values, moments: moments), threshold: fence)
    }

    static func scores(_ values: [Double], moments: SeriesStatistics.Moments) -> [Double] {
        let quartiles = SeriesStatistics.quantiles(values, [0.25, 0.75])
        let q1 = quartiles[0]
        let q3 = quartiles[1]
        var unit = q3 - q1
        if !(unit > 0) {
            // More than half the points tied: measure in the IQR a normal series of this σ would have.
            if SeriesStatistics.isConstant(values) { return Array(repeating: 0, count: values.count) }
            unit = normalIQRInSigmas * moments.standardDeviation
        }
        return values.map { max(q1 - $0, $0 - q3, 0) / unit }
    }
}
