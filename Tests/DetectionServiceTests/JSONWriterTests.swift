import AnomalyDetection
import Foundation
import XCTest

@testable import DetectionService

/// The detect answer is written by hand; it must stay the document JSONEncoder makes of
/// `DetectionResponse`, which the list endpoint still uses.
final class JSONWriterTests: XCTestCase {
    func parsed(_ data: Data) throws -> NSDictionary {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
    }

    func testDetectionResponseMatchesJSONEncoder() throws {
        let anomalies = [
            StoredAnomaly(index: 0, timestamp: "2024-05-01", value: 2.0, score: 1e-7, severity: .low),
            StoredAnomaly(
                index: 7, timestamp: "2024-05-01 12:00:00.5+02:00", value: -0.0, score: 1.7976931348623157e308,
                severity: .critical),
            StoredAnomaly(index: 99_999, timestamp: "2024-05-01T00:01:00Z", value: 123456.789, score: 3.25,
                severity: .critical),
        ]
        let records = [
            DetectionRecord(
                id: "5f0c8a4e-0b5d-4c1e-9f2a-7d3b6e1c9a80", createdAtMilliseconds: 1_714_521_600_123, method: .ensemble,
                sensitivity: 2, ensembleThreshold: 3, pointCount: 100_000, anomalyCount: 3, maxSeverity: .critical,
                mean: 0.1 + 0.2, standardDeviation: 1e22, durationMilliseconds: 0.041, anomalies: anomalies),
            DetectionRecord(
                id: "00000000-0000-4000-8000-000000000000", createdAtMilliseconds: -1, method: .zscore,
                sensitivity: 0.001, ensembleThreshold: nil, pointCount: 1, anomalyCount: 0, maxSeverity: nil,
                mean: -5e-324, standardDeviation: 0, durationMilliseconds: 12, anomalies: []),
        ]
        for record in records {
            var json = JSONWriter()
            DetectionResponse.write(record, to: &json)
            let written = Data(json.buffer.readableBytesView)
            let encoded = try JSONEncoder().encode(DetectionResponse(record, includeAnomalies: true))
            XCTAssertEqual(try parsed(written), try parsed(encoded), String(decoding: written, as: UTF8.self))
        }
    }

    func testStringsAndNumbersAreValidJSON() throws {
        var json = JSONWriter()
        let text = "quote \" backslash \\ slash / newline \n tab \t bell \u{7} é ✓"
        let numbers: [Double] = [0, -0.0, 1, -1.5, 1e21, 1e-7, 123456789012345680000, 5e-324, .greatestFiniteMagnitude]
        json.object { json in
            json.key("text")
            json.string(text)
            json.key("numbers")
            json.array(numbers) { json, x in json.double(x) }
            json.key("count")
            json.int(Int.min)
            json.key("none")
            json.string(nil as String?)
        }
        // JSONDecoder reads numbers correctly rounded (JSONSerialization on Linux does not).
        struct Document: Decodable {
            var text: String
            var numbers: [Double]
            var count: Int
            var none: String?
        }
        let data = Data(json.buffer.readableBytesView)
        let document = try JSONDecoder().decode(Document.self, from: data)
        XCTAssertEqual(document.text, text)
        XCTAssertEqual(document.numbers, numbers)
        XCTAssertEqual(document.count, Int.min)
        XCTAssertNil(document.none)
        let object = try parsed(data)
        XCTAssertTrue(object["none"] is NSNull)
    }
}
