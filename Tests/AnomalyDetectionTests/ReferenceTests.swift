import AnomalyDetection
import XCTest

/// zscore, mad, iqr, ewma and their vote against numpy/scipy (bench/detectors/reference.py): every
/// score to 1e-9 (relative to the score when it exceeds 1), the same points flagged, and the
/// severity the documented table gives the reference score.
final class ReferenceTests: XCTestCase {
    static let tolerance = 1e-9
    static let settings: [(sensitivity: Double, alpha: Double)] = [(2.0, 0.3), (1.5, 0.7), (3.0, 1.0), (2.5, 0.05)]
    static let methods: [DetectionMethod] = [.zscore, .mad, .iqr, .ewma]

    /// All series under every setting, from one Python run.
    static func reference() throws -> [(
        name: String, values: [Double], options: DetectionOptions, answer: [String: ReferenceMethod]
    )] {
        var cases: [ScoresRequest.Case] = []
        var described: [(String, [Double], DetectionOptions)] = []
        for (name, values) in ReferenceSeries.all {
            for setting in settings where name != "large" || setting.sensitivity == 2.0 {
                cases.append(.init(values: values, sensitivity: setting.sensitivity, alpha: setting.alpha))
                described.append(
                    (
                        "\(name) (sensitivity \(setting.sensitivity), alpha \(setting.alpha))", values,
                        DetectionOptions(sensitivity: setting.sensitivity, ewmaAlpha: setting.alpha)
                    ))
            }
        }
        let answer = try PythonReference.run("scores", ScoresRequest(cases: cases), as: ScoresAnswer.self)
        XCTAssertEqual(answer.results.count, cases.count)
        return zip(described, answer.results).map { ($0.0, $0.1, $0.2, $1) }
    }

    func testMethodsMatchNumpyAndScipy() throws {
        var compared = 0
        var flaggedSomewhere: [DetectionMethod: Int] = [:]
        var largestDifference: [DetectionMethod: Double] = [:]
        for (name, values, options, answer) in try Self.reference() {
            for method in Self.methods {
                let expected = try XCTUnwrap(answer[method.rawValue], "no reference for \(method)")
                let outcome = try detect(values, method: method, options: options)
                let context = "\(method.rawValue) on \(name)"
                XCTAssertEqual(outcome.scores.count, values.count, context)
                for (i, (ours, theirs)) in zip(outcome.scores, expected.scores).enumerated() {
                    largestDifference[method] = max(
                        largestDifference[method] ?? 0, abs(ours - theirs) / max(1, abs(theirs)))
                    guard abs(ours - theirs) <= Self.tolerance * max(1, abs(theirs)) else {
                        XCTFail("\(context): point \(i) scores \(ours), numpy/scipy \(theirs)")
                        break
                    }
                }
                let flagged = Set(outcome.anomalies.map(\.index))
                for i in values.indices where flagged.contains(i) != expected.flags[i] {
                    // A score within the tolerance of the threshold may fall either side of it.
                    if abs(expected.scores[i] - expected.threshold) <= Self.tolerance { continue }
                    XCTFail("\(context): point \(i) flagged \(flagged.contains(i)), numpy/scipy \(expected.flags[i])")
                }
                for anomaly in outcome.anomalies {
                    XCTAssertEqual(anomaly.value, values[anomaly.index], context)
                    XCTAssertEqual(
                        anomaly.severity, expected.severities[anomaly.index], "\(context): point \(anomaly.index)")
                }
                flaggedSomewhere[method, default: 0] += flagged.count
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 40)
        print(
            "largest score difference from numpy/scipy (relative above 1):",
            Self.methods.map {
                "\($0.rawValue) \(largestDifference[$0] ?? .nan)"
            }.joined(separator: ", "))
        for method in Self.methods {
            XCTAssertGreaterThan(
                flaggedSomewhere[method] ?? 0, 10, "\(method) never flags anything: the comparison is vacuous")
        }
    }

    func testEnsembleVoteMatchesReferenceVotes() throws {
        for (name, values, options, answer) in try Self.reference() {
            let members = try Self.methods.map { try XCTUnwrap(answer[$0.rawValue]) }
            let votes = values.indices.map { i in members.filter { $0.flags[i] }.count }
            let meanNormalised = values.indices.map { i in
                members.map { $0.scores[i] / $0.threshold }.reduce(0, +) / Double(members.count)
            }
            // Points on a member's threshold are the only excusable difference (see above).
            let disputed = Set(
                values.indices.filter { i in
                    members.contains { abs($0.scores[i] - $0.threshold) <= Self.tolerance }
                })
            for threshold in 1...Self.methods.count {
                var ensemble = options
                ensemble.ensembleMethods = Self.methods
                ensemble.ensembleThreshold = threshold
                let outcome = try detect(values, method: .ensemble, options: ensemble)
                for i in values.indices
                where abs(outcome.scores[i] - meanNormalised[i]) > Self.tolerance * max(1, meanNormalised[i]) {
                    XCTFail(
                        "ensemble on \(name): point \(i) scores \(outcome.scores[i]), reference \(meanNormalised[i])")
                    break
                }
                let expected = Set(values.indices.filter { votes[$0] >= threshold })
                let ours = Set(outcome.anomalies.map(\.index))
                XCTAssertEqual(
                    ours.subtracting(disputed), expected.subtracting(disputed), "ensemble >= \(threshold) on \(name)")
            }
        }
    }

    func testOutcomeSummarisesTheSeries() throws {
        let values = ReferenceSeries.spikes
        let outcome = try detect(values, method: .mad)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        XCTAssertEqual(outcome.method, .mad)
        XCTAssertEqual(outcome.count, values.count)
        XCTAssertEqual(outcome.mean, mean, accuracy: 1e-9)
        XCTAssertEqual(outcome.standardDeviation, variance.squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(outcome.anomalies.map(\.index), outcome.anomalies.map(\.index).sorted())
    }
}
