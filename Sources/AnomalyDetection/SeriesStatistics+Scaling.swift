extension SeriesStatistics {
    /// Every score is scale-invariant, but sums of squares overflow beyond ~1e154 and underflow
    /// below ~1e-154. A series whose largest magnitude is outside 2^±500 is therefore multiplied by
    /// the power of two 2^shift that brings it near 1 (subnormals included): exact for every value
    /// that stays a normal number, so scores equal the unscaled ones wherever those are finite.
    static func rescaledIfExtreme(_ values: [Double]) -> (values: [Double], shift: Int) {
        let largest = values.reduce(0) { max($0, abs($1)) }
        guard largest > 0, largest.exponent > 500 || largest.exponent < -500 else { return (values, 0) }
        let shift = -Int(largest.exponent)
        return (values.map { scaled($0, by: shift) }, shift)
    }

    /// x · 2^shift without forming 2^shift, which overflows for subnormal inputs.
    static func scaled(_ x: Double, by shift: Int) -> Double {
        Double(sign: .plus, exponent: shift, significand: x)
    }
}
