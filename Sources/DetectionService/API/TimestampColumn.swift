import Foundation

/// The request's timestamps: decoded strings (JSONDecoder path) or byte ranges into the body (fast
/// path), so the common case allocates a String only for the timestamps of anomalies.
struct TimestampColumn: Decodable, Equatable {
    private enum Storage {
        case strings([String])
        case ranges(Data, [Range<Int>], firstInvalid: Int?)
    }

    private let storage: Storage

    init(strings: [String]) { storage = .strings(strings) }

    /// `ranges` index ASCII bytes of `body` (the fast parser guarantees it); the parser checks each
    /// timestamp while its bytes are at hand and passes the first that is not ISO 8601.
    init(body: Data, ranges: [Range<Int>], firstInvalid: Int?) {
        storage = .ranges(body, ranges, firstInvalid: firstInvalid)
    }

    init(from decoder: any Decoder) throws {
        storage = .strings(try decoder.singleValueContainer().decode([String].self))
    }

    var count: Int {
        switch storage {
        case .strings(let s): return s.count
        case .ranges(_, let r, _): return r.count
        }
    }

    subscript(i: Int) -> String {
        switch storage {
        case .strings(let s): return s[i]
        case .ranges(let body, let r, _):
            return body.withUnsafeBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[r[i]]), as: UTF8.self) }
        }
    }

    /// Index of the first entry that is not an ISO 8601 time, if any.
    func firstInvalid() -> Int? {
        switch storage {
        case .strings(let s):
            return s.firstIndex { !Timestamp.isISO8601($0) }
        case .ranges(_, _, let firstInvalid):
            return firstInvalid
        }
    }

    static func == (a: TimestampColumn, b: TimestampColumn) -> Bool {
        a.count == b.count && (0..<a.count).allSatisfy { a[$0] == b[$0] }
    }
}
