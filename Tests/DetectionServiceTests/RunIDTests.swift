import Foundation
import XCTest

@testable import DetectionService

/// Run ids are version 7 UUIDs: valid, lower-case, unique, and ordered by creation time.
final class RunIDTests: XCTestCase {
    func testIdsAreTimeOrderedVersion7UUIDs() throws {
        let start: Int64 = 1_714_521_600_123
        let ids = (0..<2000).map { RunID.make(milliseconds: start + Int64($0 / 10)) }
        XCTAssertEqual(Set(ids).count, ids.count)
        for id in ids {
            let uuid = try XCTUnwrap(UUID(uuidString: id), id)
            XCTAssertEqual(uuid.uuidString.lowercased(), id)
            let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
            XCTAssertEqual(bytes[6] >> 4, 7, "version nibble of \(id)")
            XCTAssertEqual(bytes[8] >> 6, 0b10, "variant bits of \(id)")
        }
        let prefix = { (id: String) in Int64(id.replacingOccurrences(of: "-", with: "").prefix(12), radix: 16)! }
        XCTAssertEqual(prefix(ids[0]), start)
        XCTAssertEqual(prefix(ids[1999]), start + 199)
        // Different milliseconds sort by time (same-millisecond ids are merely adjacent).
        XCTAssertLessThan(ids[9], ids[10])
        XCTAssertEqual(ids.map(prefix), ids.map(prefix).sorted())
    }
}
