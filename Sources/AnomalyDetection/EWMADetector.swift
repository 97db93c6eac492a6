/// One-step-ahead EWMA forecasting. The smoothed series is pandas' `ewm(alpha:, adjust=False)`:
/// s₀ = x₀, sₜ = α·xₜ + (1 − α)·sₜ₋₁. Point t (t ≥ 1) is forecast by sₜ₋₁, the value before it, so
/// its residual rₜ = xₜ − sₜ₋₁ does not contain the point itself. The score is the residual's
/// z-score among all residuals, |rₜ − mean(r)| / σ(r) with the population σ: subtracting the mean
/// residual removes the constant lag an EWMA has on a trend, which would otherwise flag a steadily
/// growing series everywhere. Point 0 has no forecast and scores 0, as does every point of a constant
/// series or one of at most two points; flagged above `sensitivity`.
struct EWMADetector {
    var sensitivity: Double
    var alpha: Double

    func run(_ values: [Double]) -> MethodResult {
        MethodResult(scores: scores(values), threshold: sensitivity)
    }

    func scores(_ values: [Double]) -> [Double] {
        var scores = Array(repeating: 0.0, count: values.count)
        // A constant series has nothing to forecast; its residuals would be pure rounding noise.
        guard values.count > 2, !SeriesStatistics.isConstant(values) else { return scores }
        var residuals = [Double]()
        residuals.reserveCapacity(values.count - 1)
        var smoothed = values[0]
        for x in values.dropFirst() {
            residuals.append(x - smoothed)
            smoothed = alpha * x + (1 - alpha) * smoothed
        }
        if SeriesStatistics.isConstant(residuals) { return scores }
        let mean = SeriesStatistics.mean(residuals)
        let sigma = SeriesStatistics.populationStandardDeviation(residuals, mean: mean)
        for (t, r) in residuals.enumerated() {
            scores[t + 1] = abs(r - mean) / sigma
        }
        return scores
    }
}
