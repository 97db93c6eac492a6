import Foundation

/// A strict parser for the usual shape of a detect body: one object with only the known keys,
/// ASCII strings without escapes, plain JSON numbers. Anything else (escapes, unknown or repeated
/// keys, nulls, bad syntax, non-finite numbers) returns nil and the caller falls back to
/// JSONDecoder, which produces the error message. It exists because decoding 100,000 points
/// through the generic decoder costs more than the detection itself.
enum FastDetectParser {
    static func parse(_ body: Data) -> DetectRequest.Wire? {
        body.withUnsafeBytes { bytes in
            var p = Parser(bytes: bytes)
            return p.body(data: body)
        }
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var i = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func skipSpace() {
            while i < bytes.count {
                switch bytes[i] {
                case 0x20, 0x09, 0x0A, 0x0D: i += 1
                default: return
                }
            }
        }

        mutating func expect(_ c: UInt8) -> Bool {
            skipSpace()
            guard i < bytes.count, bytes[i] == c else { return false }
            i += 1
            return true
        }

        mutating func peek() -> UInt8? {
            skipSpace()
            return i < bytes.count ? bytes[i] : nil
        }

        mutating func string() -> String? {
            stringRange().map { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        }

        mutating func stringRange() -> Range<Int>? {
            guard expect(UInt8(ascii: "\"")) else { return nil }
            let start = i
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    i += 1
                    return start..<(i - 1)
                }
                // Escapes, control characters and non-ASCII go to the full decoder.
                guard c >= 0x20, c < 0x80, c != UInt8(ascii: "\\") else { return nil }
                i += 1
            }
            return nil
        }

        /// A quoted `YYYY-MM-DDTHH:MM:SSZ` (valid ISO 8601, no escapes) in one check, or nil
        /// (nothing consumed) for the general string scan.
        mutating func plainUTCTimestamp() -> Range<Int>? {
            skipSpace()
            guard bytes.count - i >= 22, bytes[i] == UInt8(ascii: "\""), bytes[i + 21] == UInt8(ascii: "\"") else {
                return nil
            }
            let text = UnsafeBufferPointer(rebasing: bytes.bindMemory(to: UInt8.self)[(i + 1)..<(i + 21)])
            guard Timestamp.isPlainUTC(text) else { return nil }
            i += 22
            return (i - 21)..<(i - 1)
        }

        func isISO8601(_ range: Range<Int>) -> Bool {
            Timestamp.isISO8601(bytes: UnsafeBufferPointer(rebasing: bytes.bindMemory(to: UInt8.self)[range]))
        }

        /// One pass over the token: the grammar check also accumulates the decimal mantissa and
        /// exponent, and Clinger's fast path turns them into the double when that is exact: with at
        /// most 15 digits (mantissa below 2^53) and a decimal exponent within ±22, one
        /// multiplication or division of two exact doubles is correctly rounded, so the result
        /// equals strtod's. Other numbers go through strtod on the validated token.
        /// Consumes a run of decimal digits, appending each to `mantissa`; returns how many there were.
        @inline(__always)
        mutating func accumulateDigits(into mantissa: inout UInt64) -> Int {
            let first = i
            let n = bytes.count
            while i < n {
                let d = bytes[i] &- 0x30
                guard d < 10 else { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                i += 1
            }
            return i - first
        }

        mutating func number() -> Double? {
            skipSpace()
            let start = i
            let n = bytes.count
            var negative = false
            if i < n, bytes[i] == UInt8(ascii: "-") {
                negative = true
                i += 1
            }
            guard i < n else { return nil }
            // Wraps past 19 digits, but then there are more than 15 and strtod decides.
            var mantissa: UInt64 = 0
            var digitCount = 0
            if bytes[i] == UInt8(ascii: "0") {
                i += 1
            } else {
                digitCount = accumulateDigits(into: &mantissa)
                guard digitCount > 0 else { return nil }
            }
            var exponent = 0
            if i < n, bytes[i] == UInt8(ascii: ".") {
                i += 1
                let fraction = accumulateDigits(into: &mantissa)
                guard fraction > 0 else { return nil }
                digitCount += fraction
                exponent = -fraction
            }
            var exact = digitCount <= 15
            if i < n, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                var exponentNegative = false
                if i < n, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                    exponentNegative = bytes[i] == UInt8(ascii: "-")
                    i += 1
                }
                let first = i
                var e = 0
                while i < n, bytes[i] &- 0x30 < 10 {
                    if e < 1000 { e = e * 10 + Int(bytes[i] &- 0x30) }
                    i += 1
                }
                guard i > first else { return nil }
                if e >= 1000 { exact = false }
                exponent += exponentNegative ? -e : e
            }
            if exact {
                if exponent >= -22 && exponent <= 22 {
                    var value = Double(mantissa)
                    value = exponent >= 0 ? value * Self.powersOfTen[exponent] : value / Self.powersOfTen[-exponent]
                    return negative ? -value : value
                }
                if mantissa == 0 { return negative ? -0.0 : 0 }
            }
            let length = i - start
            guard length < 64 else { return nil }
            // strtod on the validated token: correctly rounded, like the full decoder.
            var buffer = (
                UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0)
            )
            let value = withUnsafeMutableBytes(of: &buffer) { raw -> Double in
                raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
                raw[length] = 0
                return strtod(raw.baseAddress!.assumingMemoryBound(to: CChar.self), nil)
            }
            return value.isFinite ? value : nil
        }

        static let powersOfTen: [Double] = (0...22).map { Double("1e\($0)")! }

        mutating func array<T>(_ element: (inout Parser) -> T?) -> [T]? {
            guard expect(UInt8(ascii: "[")) else { return nil }
            var out: [T] = []
            if peek() == UInt8(ascii: "]") {
                i += 1
                return out
            }
            while true {
                guard let v = element(&self) else { return nil }
                out.append(v)
                if expect(UInt8(ascii: ",")) { continue }
                return expect(UInt8(ascii: "]")) ? out : nil
            }
        }

        mutating func body(data: Data) -> DetectRequest.Wire? {
            guard expect(UInt8(ascii: "{")) else { return nil }
            var timestamps: [Range<Int>]?
            var firstInvalidTimestamp: Int?
            var count = 0
            var values: [Double]?
            var wire = DetectRequest.Wire(timestamps: TimestampColumn(strings: []), values: [])
            var seen = Set<String>()
            if peek() != UInt8(ascii: "}") {
                while true {
                    guard let key = string(), seen.insert(key).inserted, expect(UInt8(ascii: ":")) else { return nil }
                    switch key {
                    case "timestamps":
                        timestamps = array { p -> Range<Int>? in
                            if let range = p.plainUTCTimestamp() {
                                count += 1
                                return range
                            }
                            guard let range = p.stringRange() else { return nil }
                            if firstInvalidTimestamp == nil, !p.isISO8601(range) { firstInvalidTimestamp = count }
                            count += 1
                            return range
                        }
                    case "values": values = array { $0.number() }
                    case "method": wire.method = string()
                    case "sensitivity": wire.sensitivity = number()
                    case "ensemble_threshold": wire.ensemble_threshold = number()
                    case "ensemble_methods": wire.ensemble_methods = array { $0.string() }
                    case "ewma_alpha": wire.ewma_alpha = number()
                    case "contamination": wire.contamination = number()
                    default: return nil
                    }
                    // A key whose value did not parse leaves its field nil: fall back.
                    switch key {
                    case "timestamps": if timestamps == nil { return nil }
                    case "values": if values == nil { return nil }
                    case "method": if wire.method == nil { return nil }
                    case "sensitivity": if wire.sensitivity == nil { return nil }
                    case "ensemble_threshold": if wire.ensemble_threshold == nil { return nil }
                    case "ensemble_methods": if wire.ensemble_methods == nil { return nil }
                    case "ewma_alpha": if wire.ewma_alpha == nil { return nil }
                    default: if wire.contamination == nil { return nil }
                    }
                    if expect(UInt8(ascii: ",")) { continue }
                    guard expect(UInt8(ascii: "}")) else { return nil }
                    break
                }
            } else {
                i += 1
            }
            skipSpace()
            guard i == bytes.count, let timestamps, let values else { return nil }
            wire.timestamps = TimestampColumn(body: data, ranges: timestamps, firstInvalid: firstInvalidTimestamp)
            wire.values = values
            return wire
        }
    }
}
