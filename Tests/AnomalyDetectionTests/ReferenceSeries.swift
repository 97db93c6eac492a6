/// The fixed series the detectors are compared on, edge cases included. Generated, not typed in,
/// so the large ones stay readable; SplitMix64 keeps them identical from run to run.
enum ReferenceSeries {
    static var all: [(name: String, values: [Double])] {
        [
            ("spikes", spikes),
            ("constant", Array(repeating: 5, count: 12)),
            ("constant with rounding", Array(repeating: 0.1, count: 10)),
            ("single point", [3]),
            ("two points", [1, 2]),
            ("three points", [1, 2, 10]),
            ("ties, MAD and IQR zero", [1, 1, 1, 1, 1, 1, 2, 1, 1, 50, 1, 1, 0, 1]),
            ("ties around a few values", [3, 3, 4, 4, 4, 3, 9, 4, 3, 3, 4, -2, 4, 3, 3, 4]),
            ("negative values", (0..<60).map { -40 - 3 * noise($0) } + [-400, -41, 12, -39]),
            ("large level with small noise", (0..<500).map { 1e6 + 0.01 * noise($0) + ($0 == 250 ? 1 : 0) }),
            ("trend with a spike", (0..<300).map { 0.5 * Double($0) + noise($0) + ($0 == 150 ? 25 : 0) }),
            ("level shift", (0..<300).map { ($0 < 200 ? 10 : 30) + noise($0) }),
            ("large", large),
        ]
    }

    static var spikes: [Double] {
        (0..<200).map { i in
            let base = 50 + 5 * sinApprox(Double(i) / 10) + noise(i)
            return [17: 40.0, 80: -35, 81: 30, 150: 12][i].map { base + $0 } ?? base
        }
    }

    static var large: [Double] {
        var rng = SplitMix64Testing(seed: 99)
        return (0..<100_000).map { i in
            let spike = i % 997 == 0 ? 60.0 : 0
            return 100 + 10 * rng.gaussian() + spike
        }
    }

    /// Deterministic noise in about [-1.7, 1.7], roughly normal.
    static func noise(_ i: Int) -> Double {
        var rng = SplitMix64Testing(seed: UInt64(i) &* 7919 &+ 13)
        return rng.gaussian() * 0.6
    }

    /// A polynomial stand-in for sin, so the fixture needs no libm.
    static func sinApprox(_ x: Double) -> Double {
        let y = x.truncatingRemainder(dividingBy: 2 * Double.pi) - Double.pi
        return -(y - y * y * y / 6 + y * y * y * y * y / 120)
    }
}

/// A copy of the library's generator, so the fixtures do not depend on its internals.
struct SplitMix64Testing {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Sum of twelve uniforms minus six: mean 0, variance 1, close enough to normal for fixtures.
    mutating func gaussian() -> Double { (0..<12).reduce(0) { acc, _ in acc + unit() } - 6 }
}
