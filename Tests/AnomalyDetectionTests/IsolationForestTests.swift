import AnomalyDetection
import XCTest

/// The isolation forest against scikit-learn's IsolationForest on a labelled synthetic series
/// (bench/detectors/reference.py `dataset`: daily cycle, noise, spikes and level shifts).
final class IsolationForestTests: XCTestCase {
    func testRankingIsWithinFiveHundredthsOfScikitLearnAUC() throws {
        let data = try PythonReference.run("dataset", DatasetRequest(n: 5_000, seed: 7), as: LabelledSeries.self)
        let options = DetectionOptions(contamination: 0.05, trees: 100, sampleSize: 256, seed: 42)
        let outcome = try detect(data.values, method: .isolationForest, options: options)
        let answer = try PythonReference.run(
            "iforest",
            IsolationForestRequest(
                values: data.values, labels: data.labels, ours: outcome.scores, trees: options.trees,
                sample_size: options.sampleSize, seed: 0, contamination: options.contamination),
            as: IsolationForestAnswer.self)
        XCTAssertGreaterThan(answer.auc_sklearn, 0.6, "the synthetic set should be learnable at all")
        XCTAssertEqual(
            answer.auc_ours, answer.auc_sklearn, accuracy: 0.05,
            "ROC AUC: ours \(answer.auc_ours), scikit-learn \(answer.auc_sklearn)")
        // Same contamination, same share flagged (ties at the cut aside).
        let theirs = answer.sklearn_flags.filter { $0 }.count
        XCTAssertEqual(Double(outcome.anomalies.count), Double(theirs), accuracy: 0.005 * Double(data.values.count))
    }

    func testScoresLieInTheUnitIntervalAndSpikesScoreHighest() throws {
        let values = ReferenceSeries.spikes
        let outcome = try detect(values, method: .isolationForest)
        XCTAssertTrue(outcome.scores.allSatisfy { $0 > 0 && $0 < 1 })
        let top = outcome.scores.indices.sorted { outcome.scores[$0] > outcome.scores[$1] }.prefix(2)
        XCTAssertEqual(Set(top), [17, 80], "the two largest spikes isolate first")
        // contamination 0.1 of 200 points: the 20 highest scores.
        XCTAssertEqual(outcome.anomalies.count, 20)
        let cut = outcome.scores.sorted(by: >)[20]
        XCTAssertTrue(outcome.anomalies.allSatisfy { $0.score > cut })
    }

    func testSameSeedSameForestOtherSeedOtherForest() throws {
        let values = ReferenceSeries.spikes
        let first = try detect(values, method: .isolationForest, options: .init(seed: 1))
        let again = try detect(values, method: .isolationForest, options: .init(seed: 1))
        let other = try detect(values, method: .isolationForest, options: .init(seed: 2))
        XCTAssertEqual(first, again)
        XCTAssertNotEqual(first.scores, other.scores)
    }

    func testScoreThresholdReplacesContamination() throws {
        let values = ReferenceSeries.spikes
        let outcome = try detect(values, method: .isolationForest, options: .init(isolationScoreThreshold: 0.6))
        let expected = outcome.scores.indices.filter { outcome.scores[$0] > 0.6 }
        XCTAssertFalse(expected.isEmpty)
        XCTAssertEqual(outcome.anomalies.map(\.index), expected)
        XCTAssertTrue(outcome.anomalies.allSatisfy { $0.severity == Severity(isolationScore: $0.score) })
    }

    func testDegenerateSeries() throws {
        let single = try detect([4], method: .isolationForest)
        XCTAssertEqual(single.scores, [0.5], "scikit-learn's score when a tree holds one point")
        XCTAssertTrue(single.anomalies.isEmpty)
        // Two distinct points: every tree splits once, both leaves sit at depth 1 = c(2), s = 2^-1.
        XCTAssertEqual(try detect([3, -8], method: .isolationForest).scores, [0.5, 0.5])
        let constant = try detect(Array(repeating: 7, count: 50), method: .isolationForest)
        XCTAssertTrue(constant.anomalies.isEmpty, "identical points cannot be told apart")
        XCTAssertEqual(Set(constant.scores).count, 1)
    }

    func testDefaultEnsembleCountsIsolationForestVotes() throws {
        let values = ReferenceSeries.spikes
        let members: [DetectionMethod] = [.zscore, .mad, .iqr, .ewma, .isolationForest]
        let outcomes = try members.map { try detect(values, method: $0) }
        for threshold in 1...members.count {
            let ensemble = try detect(values, method: .ensemble, options: .init(ensembleThreshold: threshold))
            let expected = values.indices.filter { i in
                outcomes.filter { $0.anomalies.contains { $0.index == i } }.count >= threshold
            }
            XCTAssertEqual(ensemble.anomalies.map(\.index), expected, "threshold \(threshold)")
        }
        let all = try detect(values, method: .ensemble, options: .init(ensembleThreshold: members.count))
        XCTAssertTrue(all.anomalies.map(\.index).contains(17), "every method agrees on the largest spike")
    }
}
