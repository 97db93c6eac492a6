/// |x − mean| / σ with the population σ (numpy's default ddof=0); flagged above `sensitivity`.
struct ZScoreDetector {
    var sensitivity: Double

    func run(_ values: [Double], moments: SeriesStatistics.Moments) -> MethodResult {
        MethodResult(scores: Self.scores(values, moments: moments), threshold: sensitivity)
    }

    /// A constant series has no spread to measure against: every score is 0 rather than 0/0.
    static func scores(_ values: [Double], moments: SeriesStatistics.Moments) -> [Double] {
        if SeriesStatistics.isConstant(values) { return Array(repeating: 0, count: values.count) }
        let mean = moments.mean
        let sigma = moments.standardDeviation
        return values.map { abs($0 - mean) / sigma }
    }
}
