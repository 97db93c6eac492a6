/// A vote of several methods run with the same options: a point is anomalous when at least
/// `threshold` members flag it (the guides' default is 2). Its score is the mean over members of
/// score / member threshold, so 1 means "on the threshold" whatever the member's units, and its
/// severity is `Severity(thresholdRatio:)` of that mean.
struct EnsembleDetector {
    var members: [DetectionMethod]
    var threshold: Int

    func run(_ values: [Double], moments: SeriesStatistics.Moments, options: DetectionOptions) -> MethodResult {
        var votes = [Int](repeating: 0, count: values.count)
        var normalised = [Double](repeating: 0, count: values.count)
        for member in members {
            let result = MethodResult.run(member, on: values, moments: moments, options: options)
            for i in values.indices {
                if result.flags[i] { votes[i] += 1 }
                normalised[i] += result.threshold > 0 ? result.scores[i] / result.threshold : 0
            }
        }
        let count = Double(members.count)
        return MethodResult(
            scores: normalised.map { $0 / count }, flags: votes.map { $0 >= threshold }, threshold: 1,
            severityScale: .thresholdRatio)
    }
}
