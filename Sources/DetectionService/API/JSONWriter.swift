import NIOCore

/// Writes JSON straight into a ByteBuffer for the responses sent on every request (`/health`,
/// detect): Foundation's JSONEncoder builds an intermediate tree and was a visible share of a
/// detect request's CPU time. Output matches JSONEncoder's: keys in declaration order, doubles in
/// Swift's shortest round-trip form without a trailing `.0`, `/` escaped.
struct JSONWriter {
    private(set) var buffer: ByteBuffer
    /// Whether the next value in the current object or array needs a comma before it.
    private var needsComma = false

    init(capacity: Int = 512) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        buffer.writeInteger(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        buffer.writeInteger(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func array<S: Sequence>(_ elements: S, _ body: (inout JSONWriter, S.Element) -> Void) {
        separate()
        buffer.writeInteger(UInt8(ascii: "["))
        needsComma = false
        for e in elements { body(&self, e) }
        buffer.writeInteger(UInt8(ascii: "]"))
        needsComma = true
    }

    /// The key of the next member; the value follows with one of the value writers.
    mutating func key(_ name: StaticString) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(name)
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeInteger(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func key(_ name: String) {
        separate()
        writeEscaped(name)
        buffer.writeInteger(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ value: String) {
        separate()
        writeEscaped(value)
        needsComma = true
    }

    mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    mutating func int(_ value: Int) {
        separate()
        buffer.writeString(String(value))
        needsComma = true
    }

    mutating func int(_ value: Int?) {
        if let value { int(value) } else { null() }
    }

    /// Finite doubles only (callers pass `finite(_:)` results): JSON has no NaN or infinity.
    mutating func double(_ value: Double) {
        separate()
        guard value.isFinite else {
            buffer.writeStaticString("null")
            needsComma = true
            return
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        buffer.writeString(text)
        needsComma = true
    }

    mutating func null() {
        separate()
        buffer.writeStaticString("null")
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { buffer.writeInteger(UInt8(ascii: ",")) }
    }

    private mutating func writeEscaped(_ s: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var start = 0
            for (i, c) in bytes.enumerated() where c < 0x20 || c == 0x22 || c == 0x5C || c == 0x2F {
                buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[start..<i]))
                switch c {
                case 0x22: buffer.writeStaticString("\\\"")
                case 0x5C: buffer.writeStaticString("\\\\")
                case 0x2F: buffer.writeStaticString("\\/")
                case 0x0A: buffer.writeStaticString("\\n")
                case 0x0D: buffer.writeStaticString("\\r")
                case 0x09: buffer.writeStaticString("\\t")
                case 0x08: buffer.writeStaticString("\\b")
                case 0x0C: buffer.writeStaticString("\\f")
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(hex[Int(c >> 4)])
                    buffer.writeInteger(hex[Int(c & 0xF)])
                }
                start = i + 1
            }
            buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
