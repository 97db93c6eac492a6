import Crypto

/// Python's `random.Random(seed)` (MT19937, seeded as CPython does), so `random(seed=inventory_hostname)`
/// and `shuffle(seed=...)` pick what Ansible picks: playbooks spread cron minutes across hosts this way.
struct PythonRandom {
    private var mt = [UInt32](repeating: 0, count: 624)
    private var index = 625

    /// `Random(seed)`: a string seeds with its UTF-8 bytes followed by their SHA-512 (version 2 seeding);
    /// an integer with its absolute value.
    init(seed: Value) throws {
        var bytes: [UInt8]  // big-endian magnitude
        switch seed {
        case .string(let s):
            let data = Array(s.utf8)
            bytes = data + Array(SHA512.hash(data: data))
        case .int(let i):
            let m = i.magnitude
            bytes = (0..<8).reversed().map { UInt8(truncatingIfNeeded: m >> (UInt64($0) * 8)) }
        case .bool(let b):
            bytes = [b ? 1 : 0]
        default:
            throw TemplateError.type("random seed must be a string or an integer, got \(seed.typeName)")
        }
        while bytes.count > 1 && bytes[0] == 0 { bytes.removeFirst() }
        // The magnitude as 32-bit words, least significant first; zero is one word.
        var key: [UInt32] = []
        var i = bytes.count
        while i > 0 {
            let lo = max(0, i - 4)
            var w: UInt32 = 0
            for b in bytes[lo..<i] { w = w << 8 | UInt32(b) }
            key.append(w)
            i = lo
        }
        if key.isEmpty || (key.count == 1 && key[0] == 0) { key = [0] }
        initByArray(key)
    }

    private mutating func initGenrand(_ s: UInt32) {
        mt[0] = s
        for i in 1..<624 {
            mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    private mutating func initByArray(_ key: [UInt32]) {
        initGenrand(19_650_218)
        var i = 1
        var j = 0
        for _ in 0..<max(624, key.count) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= 624 {
                mt[0] = mt[623]
                i = 1
            }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 {
                mt[0] = mt[623]
                i = 1
            }
        }
        mt[0] = 0x8000_0000
    }

    private mutating func next32() -> UInt32 {
        if index >= 624 {
            for k in 0..<624 {
                let y = (mt[k] & 0x8000_0000) | (mt[(k + 1) % 624] & 0x7fff_ffff)
                mt[k] = mt[(k + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_b0df)
            }
            index = 0
        }
        var y = mt[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// `getrandbits(k)` for k ≤ 64: 32-bit words, least significant first, the last one shifted down.
    private mutating func bits(_ k: Int) -> UInt64 {
        if k <= 32 { return UInt64(next32() >> (32 - k)) }
        let low = UInt64(next32())
        let high = UInt64(next32() >> (64 - k))
        return high << 32 | low
    }

    /// `_randbelow(n)`: rejection sampling over `n.bit_length()` bits.
    mutating func below(_ n: Int) -> Int {
        let k = Int.bitWidth - n.leadingZeroBitCount
        var r = bits(k)
        while r >= UInt64(n) { r = bits(k) }
        return Int(r)
    }

    /// `randrange(start, stop, step)`.
    mutating func randrange(_ start: Int, _ stop: Int, _ step: Int) throws -> Int {
        let width = stop - start
        if step == 1 {
            guard width > 0 else { throw TemplateError.runtime("empty range for randrange(\(start), \(stop))") }
            return start + below(width)
        }
        guard step != 0 else { throw TemplateError.runtime("zero step for randrange()") }
        let n = step > 0 ? (width + step - 1) / step : (width + step + 1) / step
        guard n > 0 else { throw TemplateError.runtime("empty range for randrange(\(start), \(stop), \(step))") }
        return start + step * below(n)
    }

    /// `shuffle(list)`: Fisher-Yates from the end, as CPython.
    mutating func shuffle(_ items: inout [Value]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, below(i + 1))
        }
    }
}
