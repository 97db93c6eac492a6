/// The summary statistics the detectors share, computed the way numpy does so that scores match a
/// numpy/scipy reference point for point.
enum SeriesStatistics {
    /// Compensated (Neumaier) summation: a plain running sum loses ~n·ε of the mean on 100,000
    /// large values, which is enough to move z-scores of a low-variance series past 1e-9.
    static func sum(_ values: some Collection<Double>) -> Double {
        var sum = 0.0
        var compensation = 0.0
        for v in values {
            let t = sum + v
            if abs(sum) >= abs(v) {
                compensation += (sum - t) + v
            } else {
                compensation += (v - t) + sum
            }
            sum = t
        }
        return sum + compensation
    }

    static func mean(_ values: some Collection<Double>) -> Double {
        values.isEmpty ? 0 : sum(values) / Double(values.count)
    }

    /// numpy's `std` with ddof=0, two-pass.
    static func populationStandardDeviation(_ values: [Double], mean: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        return (sum(values.lazy.map { ($0 - mean) * ($0 - mean) }) / Double(values.count)).squareRoot()
    }

    /// numpy's `_lerp`: from the upper neighbour when the fraction is >= 0.5.
    static func interpolate(_ a: Double, _ b: Double, fraction: Double) -> Double {
        let difference = b - a
        return fraction >= 0.5 ? b - difference * (1 - fraction) : a + difference * fraction
    }

    /// True when every value is the same: the scale of such a series is exactly zero, whatever
    /// rounding the mean picked up.
    static func isConstant(_ values: [Double]) -> Bool {
        guard let first = values.first else { return true }
        return values.allSatisfy { $0 == first }
    }
}
