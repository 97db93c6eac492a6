import AnomalyDetection
import XCTest

/// Every input `detect` refuses, with the error that names what is wrong.
final class ValidationTests: XCTestCase {
    let series: [Double] = [1, 2, 3, 4, 100]

    func assertRejects(
        _ values: [Double], _ method: DetectionMethod, _ options: DetectionOptions = .init(),
        _ expected: DetectionError, mentioning text: String? = nil, line: UInt = #line
    ) {
        XCTAssertThrowsError(try detect(values, method: method, options: options), line: line) { error in
            guard let error = error as? DetectionError else {
                return XCTFail("unexpected \(error)", line: line)
            }
            switch (error, expected) {
            case (.invalidOption(let name, _), .invalidOption(let expectedName, _)):
                XCTAssertEqual(name, expectedName, line: line)
            default:
                XCTAssertEqual(error, expected, line: line)
            }
            if let text {
                XCTAssertTrue(error.description.contains(text), "\(error.description)", line: line)
            }
        }
    }

    func testEmptySeriesIsRejectedByEveryMethod() {
        for method in DetectionMethod.allCases {
            assertRejects([], method, .init(), .emptySeries, mentioning: "empty")
        }
    }

    func testNonFiniteValuesAreRejectedWithTheirIndex() {
        for method in DetectionMethod.allCases {
            assertRejects([1, 2, .nan, 4], method, .init(), .nonFiniteValue(index: 2), mentioning: "values[2]")
            assertRejects([1, .infinity], method, .init(), .nonFiniteValue(index: 1))
            assertRejects([-.infinity, 1, .nan], method, .init(), .nonFiniteValue(index: 0))
        }
    }

    func testSensitivityMustBePositive() {
        let invalid = DetectionError.invalidOption(name: "sensitivity", reason: "")
        for method in [DetectionMethod.zscore, .mad, .iqr, .ewma, .ensemble] {
            for sensitivity in [0, -1, .nan, .infinity] {
                assertRejects(series, method, .init(sensitivity: sensitivity), invalid, mentioning: "greater than 0")
            }
        }
        // The isolation forest does not use it, so it does not reject it.
        XCTAssertNoThrow(try detect(series, method: .isolationForest, options: .init(sensitivity: 0)))
    }

    func testEWMAAlphaMustLieInZeroToOne() {
        let invalid = DetectionError.invalidOption(name: "ewmaAlpha", reason: "")
        for alpha in [0, -0.2, 1.0001, .nan] {
            assertRejects(series, .ewma, .init(ewmaAlpha: alpha), invalid, mentioning: "(0, 1]")
            assertRejects(series, .ensemble, .init(ewmaAlpha: alpha), invalid)
        }
        XCTAssertNoThrow(try detect(series, method: .ewma, options: .init(ewmaAlpha: 1)))
        XCTAssertNoThrow(try detect(series, method: .zscore, options: .init(ewmaAlpha: 5)), "zscore ignores alpha")
    }

    func testEnsembleThresholdCannotExceedItsMembers() {
        let invalid = DetectionError.invalidOption(name: "ensembleThreshold", reason: "")
        assertRejects(series, .ensemble, .init(ensembleThreshold: 6), invalid, mentioning: "between 1 and the 5")
        assertRejects(series, .ensemble, .init(ensembleThreshold: 3, ensembleMethods: [.zscore, .mad]), invalid)
        assertRejects(series, .ensemble, .init(ensembleThreshold: 0), invalid)
        XCTAssertNoThrow(try detect(series, method: .ensemble, options: .init(ensembleThreshold: 5)))
    }

    func testEnsembleMembersMustBeDistinctPlainMethods() {
        let invalid = DetectionError.invalidOption(name: "ensembleMethods", reason: "")
        assertRejects(series, .ensemble, .init(ensembleMethods: []), invalid, mentioning: "empty")
        assertRejects(series, .ensemble, .init(ensembleMethods: [.zscore, .ensemble]), invalid, mentioning: "itself")
        assertRejects(
            series, .ensemble, .init(ensembleMethods: [.mad, .zscore, .mad]), invalid, mentioning: "mad twice")
    }

    func testIsolationForestOptions() {
        func rejects(_ options: DetectionOptions, _ name: String, line: UInt = #line) {
            assertRejects(series, .isolationForest, options, .invalidOption(name: name, reason: ""), line: line)
        }
        rejects(.init(contamination: 0), "contamination")
        rejects(.init(contamination: 0.6), "contamination")
        rejects(.init(trees: 0), "trees")
        rejects(.init(trees: 501), "trees")
        rejects(.init(sampleSize: 1), "sampleSize")
        rejects(.init(sampleSize: 4_097), "sampleSize")
        XCTAssertNoThrow(try detect(series, method: .isolationForest, options: .init(trees: 500, sampleSize: 4_096)))
        rejects(.init(isolationScoreThreshold: 1), "isolationScoreThreshold")
        rejects(.init(isolationScoreThreshold: -0.1), "isolationScoreThreshold")
        assertRejects(series, .ensemble, .init(trees: 0), .invalidOption(name: "trees", reason: ""))
        XCTAssertNoThrow(
            try detect(series, method: .ensemble, options: .init(ensembleMethods: [.zscore, .mad], trees: 0)),
            "an ensemble without the forest ignores its options")
    }
}

final class MethodNameTests: XCTestCase {
    func testEveryAPINameParses() throws {
        for method in DetectionMethod.allCases {
            XCTAssertEqual(try DetectionMethod.named(method.rawValue), method)
        }
    }

    func testUnknownNamesSuggestTheNearestMethod() {
        for (typo, suggestion) in [("isolation-forest", "isolation_forest"), ("z_score", "zscore"), ("EWMA", "ewma")] {
            XCTAssertThrowsError(try DetectionMethod.named(typo)) { error in
                guard case .invalidOption(let name, let reason) = error as? DetectionError else {
                    return XCTFail("unexpected \(error)")
                }
                XCTAssertEqual(name, "method")
                XCTAssertTrue(reason.contains("did you mean `\(suggestion)`?"), reason)
            }
        }
        XCTAssertThrowsError(try DetectionMethod.named("prophet")) { error in
            let text = "\(error)"
            XCTAssertFalse(text.contains("did you mean"), text)
            XCTAssertTrue(text.contains("expected one of zscore, mad, iqr, ewma, isolation_forest, ensemble"), text)
        }
    }
}
