/// What one method says about every point of a series, before it becomes a `DetectionOutcome`.
struct MethodResult {
    enum SeverityScale {
        /// Severity from score / threshold (`Severity(thresholdRatio:)`).
        case thresholdRatio
        /// Severity from the isolation score itself (`Severity(isolationScore:)`).
        case isolationScore
    }

    var scores: [Double]
    var flags: [Bool]
    /// The score a point must exceed to count: the unit ensemble normalisation divides by.
    var threshold: Double
    var severityScale: SeverityScale

    /// The common case: flagged when the score is strictly above the threshold.
    init(scores: [Double], threshold: Double, severityScale: SeverityScale = .thresholdRatio) {
        self.init(
            scores: scores, flags: scores.map { $0 > threshold }, threshold: threshold,
            severityScale: severityScale)
    }

    init(scores: [Double], flags: [Bool], threshold: Double, severityScale: SeverityScale) {
        self.scores = scores
        self.flags = flags
        self.threshold = threshold
        self.severityScale = severityScale
    }

    func severity(ofScore score: Double) -> Severity {
        switch severityScale {
        case .thresholdRatio: return Severity(thresholdRatio: score / threshold)
        case .isolationScore: return Severity(isolationScore: score)
        }
    }

    /// Runs one method on validated input.
    static func run(
        _ method: DetectionMethod, on values: [Double], moments: SeriesStatistics.Moments, options: DetectionOptions
    ) -> MethodResult {
        switch method {
        case .zscore:
            return ZScoreDetector(sensitivity: options.sensitivity).run(values, moments: moments)
        case .mad:
            return MADDetector(sensitivity: options.sensitivity).run(values)
        case .iqr:
            return IQRDetector(sensitivity: options.sensitivity).run(values, moments: moments)
        case .ewma:
            return EWMADetector(sensitivity: options.sensitivity, alpha: options.ewmaAlpha).run(values)
        case .isolationForest:
            return IsolationForest(
                trees: options.trees, sampleSize: options.sampleSize, seed: options.seed
            ).run(values, contamination: options.contamination, scoreThreshold: options.isolationScoreThreshold)
        case .ensemble:
            return EnsembleDetector(
                members: options.ensembleMethods, threshold: options.ensembleThreshold
            ).run(values, moments: moments, options: options)
        }
    }
}
