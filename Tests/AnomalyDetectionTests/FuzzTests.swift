import AnomalyDetection
import XCTest

/// Seeded random series of awkward shapes: whatever the input, every method returns one finite
/// score per point and anomalies that agree with the scores.
final class FuzzTests: XCTestCase {
    func testAwkwardSeriesGiveFiniteConsistentOutcomes() throws {
        var rng = SplitMix64Testing(seed: 2026)
        let magnitudes: [Double] = [1, 1e-3, 1e6, 1e150, 1e300, 1e-300, 0x1p-1060, .greatestFiniteMagnitude / 4]
        for round in 0..<400 {
            let count = 1 + Int(rng.next() % 64)
            let scale = magnitudes[Int(rng.next() % UInt64(magnitudes.count))]
            let distinct = 1 + Int(rng.next() % 6)  // few distinct values make ties likely
            let palette = (0..<distinct).map { _ in (rng.unit() * 2 - 1) * scale }
            let values = (0..<count).map { _ in
                rng.next() % 4 == 0 ? (rng.unit() * 2 - 1) * scale : palette[Int(rng.next() % UInt64(distinct))]
            }
            let options = DetectionOptions(
                sensitivity: 0.1 + rng.unit() * 4, ensembleThreshold: 1 + Int(rng.next() % 5),
                ewmaAlpha: 0.01 + rng.unit() * 0.99, contamination: 0.01 + rng.unit() * 0.49,
                trees: 1 + Int(rng.next() % 20), sampleSize: 2 + Int(rng.next() % 100), seed: rng.next())
            for method in DetectionMethod.allCases {
                let outcome = try detect(values, method: method, options: options)
                let context = "round \(round), \(method) on \(values)"
                XCTAssertEqual(outcome.scores.count, count, context)
                XCTAssertTrue(outcome.scores.allSatisfy { $0.isFinite && $0 >= 0 }, "\(context): \(outcome.scores)")
                XCTAssertTrue(outcome.mean.isFinite && outcome.standardDeviation.isFinite, context)
                for anomaly in outcome.anomalies {
                    XCTAssertEqual(anomaly.score, outcome.scores[anomaly.index], context)
                    XCTAssertEqual(anomaly.value, values[anomaly.index], context)
                }
                if method != .ensemble && method != .isolationForest {
                    XCTAssertTrue(outcome.anomalies.allSatisfy { $0.score > 0 }, context)
                }
            }
        }
    }
}
