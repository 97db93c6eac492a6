import AnomalyDetection
import XCTest

/// Magnitudes whose squares overflow or underflow a Double: finite scores, and the same scores as
/// the series at an ordinary scale (every method is scale-invariant).
final class ExtremeValueTests: XCTestCase {
    func testScoresDoNotDependOnTheScale() throws {
        let values = ReferenceSeries.spikes
        for exponent in [600, 1_000, -600, -1_000] {
            let scaled = values.map { $0 * Double(sign: .plus, exponent: exponent, significand: 1) }
            for method in DetectionMethod.allCases {
                let ordinary = try detect(values, method: method)
                let extreme = try detect(scaled, method: method)
                XCTAssertEqual(extreme.scores, ordinary.scores, "\(method) at 2^\(exponent)")
                XCTAssertEqual(extreme.anomalies.map(\.index), ordinary.anomalies.map(\.index))
                XCTAssertEqual(extreme.anomalies.map(\.value), extreme.anomalies.map { scaled[$0.index] })
            }
        }
    }

    func testNearTheLimitsEverythingStaysFinite() throws {
        let subnormal = 0x1p-1030  // about 8.7e-311, below the smallest normal Double
        let series: [[Double]] = [
            [1.7e308, -1.7e308, 0, 1e308, -3, 5e307],
            [.greatestFiniteMagnitude, .greatestFiniteMagnitude, 1],
            [1, 3, 2, 90, 2.5].map { $0 * subnormal },
            [.leastNonzeroMagnitude, 0, 0, 0, -.leastNonzeroMagnitude],
            [1e-300, 1e300, -1e300, 0],
        ]
        for values in series {
            for method in DetectionMethod.allCases {
                let outcome = try detect(values, method: method)
                XCTAssertTrue(outcome.scores.allSatisfy(\.isFinite), "\(method) on \(values): \(outcome.scores)")
                XCTAssertTrue(outcome.mean.isFinite && outcome.standardDeviation.isFinite, "\(method) on \(values)")
            }
        }
        let spike = try detect([1, 1.1, 0.9, 1, 1.05, 90].map { $0 * subnormal }, method: .mad)
        XCTAssertEqual(spike.anomalies.map(\.index), [5], "subnormal spikes are still spikes")
    }
}
