/// Ids of stored runs: UUIDs in the RFC 9562 version 7 layout, whose leading 48 bits are the
/// creation time in milliseconds. They look and parse like any other UUID, but consecutive runs
/// sort together, so each insert lands on the rightmost page of the id index instead of a random
/// one: fewer pages written per commit (SQLite WAL) and an index that stays in cache.
enum RunID {
    private static let hex = Array("0123456789abcdef".utf8)

    static func make(milliseconds: Int64) -> String {
        var random = SystemRandomNumberGenerator()
        let high = random.next() as UInt64
        let low = random.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        let ms = UInt64(max(0, milliseconds)) & 0xFFFF_FFFF_FFFF
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: ms >> (8 * (5 - UInt64(i)))) }
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: high & 0x0F)
        bytes[7] = UInt8(truncatingIfNeeded: high >> 8)
        bytes[8] = 0x80 | UInt8(truncatingIfNeeded: low & 0x3F)
        for i in 9..<16 { bytes[i] = UInt8(truncatingIfNeeded: low >> (8 * UInt64(i - 8))) }
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(b >> 4)])
            text.append(hex[Int(b & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
