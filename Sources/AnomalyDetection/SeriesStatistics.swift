/// The summary statistics the detectors share, computed the way numpy does so that scores match a
/// numpy/scipy reference point for point.
enum SeriesStatistics {
    /// Compensated summation: a plain running sum loses ~n·ε of the mean on 100,000 large values,
    /// which is enough to move z-scores of a low-variance series past 1e-9.
    static func sum(_ values: [Double]) -> Double {
        compensatedSum(values) { $0 }
    }

    /// Mean and population σ of a series, computed once per request and shared by the summary,
    /// zscore and the IQR's fallback unit.
    struct Moments {
        var mean: Double
        var standardDeviation: Double

        init(_ values: [Double]) {
            mean = SeriesStatistics.mean(values)
            standardDeviation = SeriesStatistics.populationStandardDeviation(values, mean: mean)
        }
    }

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : sum(values) / Double(values.count)
    }

    /// numpy's `std` with ddof=0, two-pass.
    static func populationStandardDeviation(_ values: [Double], mean: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        return (compensatedSum(values) { ($0 - mean) * ($0 - mean) } / Double(values.count)).squareRoot()
    }

    /// Σ term(v): four independent lanes of Knuth's branch-free TwoSum (so the loop is not bound by
    /// one chain of dependent additions), then the lanes and their errors folded with Neumaier's.
    @inline(__always)
    private static func compensatedSum(_ values: [Double], _ term: (Double) -> Double) -> Double {
        values.withUnsafeBufferPointer { buffer in
            var sums = SIMD4<Double>(repeating: 0)
            var errors = SIMD4<Double>(repeating: 0)
            var i = 0
            while i + 4 <= buffer.count {
                let v = SIMD4(term(buffer[i]), term(buffer[i + 1]), term(buffer[i + 2]), term(buffer[i + 3]))
                let t = sums + v
                let z = t - sums
                errors += (sums - (t - z)) + (v - z)
                sums = t
                i += 4
            }
            var total = 0.0
            var compensation = errors.sum()
            func add(_ v: Double) {
                let t = total + v
                compensation += abs(total) >= abs(v) ? (total - t) + v : (v - t) + total
                total = t
            }
            for lane in 0..<4 { add(sums[lane]) }
            while i < buffer.count {
                add(term(buffer[i]))
                i += 1
            }
            return total + compensation
        }
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
