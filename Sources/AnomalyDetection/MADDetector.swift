/// The robust z of Iglewicz and Hoaglin: 0.6745 · |x − median| / MAD, where MAD is the median of
/// |x − median| (scipy's `median_abs_deviation` with scale 1); flagged above `sensitivity`.
struct MADDetector {
    var sensitivity: Double

    /// 0.6745 ≈ Φ⁻¹(0.75) makes MAD a consistent estimate of σ for normal data.
    static let madConsistency = 0.6745
    /// When more than half the points sit on the median, MAD is 0; the mean absolute deviation
    /// around the median, scaled by √(π/2) (its consistency constant for normal data), takes over.
    static let meanDeviationConsistency = 1.253314

    func run(_ values: [Double]) -> MethodResult {
        MethodResult(scores: Self.scores(values), threshold: sensitivity)
    }

    static func scores(_ values: [Double]) -> [Double] {
        let median = SeriesStatistics.median(values)
        let deviations = values.map { abs($0 - median) }
        let mad = SeriesStatistics.median(deviations)
        if mad > 0 {
            return deviations.map { madConsistency * $0 / mad }
        }
        let meanDeviation = SeriesStatistics.mean(deviations)
        guard meanDeviation > 0 else { return Array(repeating: 0, count: values.count) }
        return deviations.map { $0 / (meanDeviationConsistency * meanDeviation) }
    }
}
