import Foundation
import XCTest

@testable import DetectionService

/// The fast path must agree exactly with JSONDecoder on what it accepts, and decline the rest.
final class FastDetectParserTests: XCTestCase {
    func fast(_ text: String) -> DetectRequest.Wire? {
        FastDetectParser.parse(Data(text.utf8))
    }

    func testAgreesWithJSONDecoder() throws {
        var generator = SystemRandomNumberGenerator()
        // Short decimals take the exact fast path, long ones strtod; both must match JSONDecoder.
        let values = (0..<2000).map { _ in Double.random(in: -1e6...1e6, using: &generator) }
            + (0..<2000).map { _ in (Double.random(in: -1e4...1e4, using: &generator) * 1000).rounded() / 1000 }
            + [1e22, 1e23, 9007199254740993, 123456789012345.6, 0.000001, 4.35, 100.0001]
            + [0, -0.0, 1e-300, 5e-324, 1.7976931348623157e308, 123456789012345678, 0.1, 2.5e-7]
        let body: [String: Any] = [
            "timestamps": minuteTimestamps(values.count), "values": values, "method": "ensemble",
            "sensitivity": 2.75, "ensemble_threshold": 3, "ensemble_methods": ["zscore", "mad", "iqr"],
            "ewma_alpha": 0.25, "contamination": 0.05,
        ]
        let data = try JSONSerialization.data(withJSONObject: body)
        let reference = try JSONDecoder().decode(DetectRequest.Wire.self, from: data)
        let parsed = try XCTUnwrap(FastDetectParser.parse(data))
        XCTAssertEqual(parsed, reference)
        XCTAssertEqual(parsed.values.map(\.bitPattern), reference.values.map(\.bitPattern))

        let spaced = " {\n \"values\" : [ 1 , -2.5e3 ,0.125E+2 ] ,\"timestamps\":[\"a\",\"b\",\"c\"]\t}\r\n"
        XCTAssertEqual(fast(spaced), try JSONDecoder().decode(DetectRequest.Wire.self, from: Data(spaced.utf8)))
        XCTAssertEqual(fast("{\"timestamps\":[],\"values\":[]}")?.values, [])
    }

    func testNumbersMatchTheStandardLibrary() throws {
        var generator = SystemRandomNumberGenerator()
        var tokens = ["0", "-0", "1", "-1", "0.1", "0.3", "1e22", "1e-22", "123456789012345", "1.5e300", "2.2250738585072014e-308"]
        // Around the 15-digit limit of the exact path, leading zeros, and mantissas past 2^64.
        tokens += [
            "1234567890.12345", "1234567890.123456", "0.000000000000001234", "-0.0", "0e5", "0.0e-400",
            "12345678901234567890123", "9007199254740993", "100.0001", "0.1e23", "1234567890123456e-22",
        ]
        for _ in 0..<20000 {
            let mantissa = String(Int.random(in: -999_999_999_999_999...999_999_999_999_999, using: &generator))
            let point = Int.random(in: 0...mantissa.count, using: &generator)
            var t = mantissa
            if point > 1 && point < mantissa.count { t.insert(".", at: t.index(t.startIndex, offsetBy: point)) }
            if Bool.random(using: &generator) { t += "e\(Int.random(in: -30...30, using: &generator))" }
            tokens.append(t)
        }
        for t in tokens {
            let json = "{\"timestamps\":[\"x\"],\"values\":[\(t)]}"
            guard let parsed = fast(json) else {
                XCTAssertNil(Double(t).flatMap { $0.isFinite ? $0 : nil }, t)
                continue
            }
            XCTAssertEqual(parsed.values.first?.bitPattern, Double(t)?.bitPattern, t)
        }
    }

    func testDeclinesWhatItDoesNotFullyUnderstand() {
        for text in [
            "", "{", "[]", "{\"values\":[1],\"timestamps\":[\"a\"],\"extra\":1}",
            "{\"values\":[1],\"values\":[2],\"timestamps\":[\"a\"]}", "{\"values\":[01],\"timestamps\":[\"a\"]}",
            "{\"values\":[1.],\"timestamps\":[\"a\"]}", "{\"values\":[.5],\"timestamps\":[\"a\"]}",
            "{\"values\":[1e],\"timestamps\":[\"a\"]}", "{\"values\":[+1],\"timestamps\":[\"a\"]}",
            "{\"values\":[1e999],\"timestamps\":[\"a\"]}", "{\"values\":[NaN],\"timestamps\":[\"a\"]}",
            "{\"values\":[null],\"timestamps\":[\"a\"]}", "{\"values\":[1,],\"timestamps\":[\"a\"]}",
            "{\"values\":[1],\"timestamps\":[\"a\\u0041\"]}", "{\"values\":[1],\"timestamps\":[\"é\"]}",
            "{\"values\":[1],\"timestamps\":[\"a\"]} x", "{\"values\":[1],\"timestamps\":[\"a\"],}",
            "{\"values\":[1],\"timestamps\":[\"a\"],\"method\":null}", "{\"values\":[\"1\"],\"timestamps\":[\"a\"]}",
            "{\"values\":[1]}",
        ] {
            XCTAssertNil(fast(text), text)
        }
    }
}

final class TimestampTests: XCTestCase {
    func testISO8601Shapes() {
        for good in [
            "2024-05-01", "2024-05-01T12:00", "2024-05-01T12:00:00Z", "2024-05-01t12:00:00z", "2024-05-01 12:00:00",
            "2024-05-01T12:00:00.123456Z", "2024-05-01T12:00:00,5+02:00", "2024-05-01T12:00:00-0530",
        ] {
            XCTAssertTrue(Timestamp.isISO8601(good), good)
        }
        for bad in [
            "", "2024", "2024-5-01", "2024-05-01T", "2024-05-01T12", "2024-05-01T12:00:00.", "2024-05-01T12:00:00Zx",
            "2024-05-01T12:00:00+2", "yesterday", "2024-05-01T12:00:00+02:00:00", String(repeating: "1", count: 100),
            // 20 bytes, the shape of the fast path, one position off.
            "2024-05-01T12:00:0aZ", "a024-05-01T12:00:00Z", "2024/05-01T12:00:00Z", "2024-05-01T12-00:00Z",
            "2024-05-01T12:00:00+", "2024-05-01X12:00:00Z", "2024-05-0:T12:00:00Z", "20240-5-01T12:00:00Z",
        ] {
            XCTAssertFalse(Timestamp.isISO8601(bad), bad)
        }
        XCTAssertEqual(Timestamp.milliseconds(from: "1970-01-02"), 86_400_000)
        XCTAssertEqual(Timestamp.milliseconds(from: "1970-01-01T01:00:00+01:00"), 0)
        XCTAssertEqual(Timestamp.iso8601(milliseconds: 1_714_521_600_123), "2024-05-01T00:00:00.123Z")
    }
}
