extension SeriesStatistics {
    /// The values that would sit at `ranks` (0-based) if `values` were sorted ascending, found by
    /// quickselect instead of a full sort, as numpy's median and percentile do (`np.partition`).
    /// Three-way partitioning keeps heavily tied series linear; past a depth limit the remaining
    /// range is simply sorted, so crafted input cannot make it quadratic.
    static func orderStatistics(of values: [Double], ranks: [Int]) -> [Double] {
        var buffer = values
        var rng = SplitMix64(seed: UInt64(values.count))
        let depthLimit = 2 * (Int.bitWidth - values.count.leadingZeroBitCount) + 4
        buffer.withUnsafeMutableBufferPointer { buffer in
            select(buffer, range: 0..<buffer.count, ranks: ranks.sorted()[...], depth: depthLimit, rng: &rng)
        }
        return ranks.map { buffer[$0] }
    }

    /// `numpy.median`.
    static func median(_ values: [Double]) -> Double {
        let n = values.count
        if n % 2 == 1 { return orderStatistics(of: values, ranks: [n / 2])[0] }
        let middle = orderStatistics(of: values, ranks: [n / 2 - 1, n / 2])
        return (middle[0] + middle[1]) / 2
    }

    /// `numpy.percentile(values, 100 * q)` for each q, linear method.
    static func quantiles(_ values: [Double], _ qs: [Double]) -> [Double] {
        let n = values.count
        let lowerRanks = qs.map { min(max(Int((Double(n - 1) * $0).rounded(.down)), 0), n - 1) }
        let ranks = Array(Set(lowerRanks.flatMap { [$0, min($0 + 1, n - 1)] }))
        let found = Dictionary(uniqueKeysWithValues: zip(ranks, orderStatistics(of: values, ranks: ranks)))
        return qs.map { q in
            // Only the two neighbours of each position matter; hand them to the sorted-array version.
            let lower = min(max(Int((Double(n - 1) * q).rounded(.down)), 0), n - 1)
            let upper = min(lower + 1, n - 1)
            return interpolate(found[lower]!, found[upper]!, fraction: Double(n - 1) * q - Double(lower))
        }
    }

    private static func select(
        _ buffer: UnsafeMutableBufferPointer<Double>, range: Range<Int>, ranks: ArraySlice<Int>, depth: Int,
        rng: inout SplitMix64
    ) {
        guard !ranks.isEmpty, range.count > 1 else { return }
        if range.count <= 16 || depth == 0 {
            buffer[range].sort()
            return
        }
        let pivot = buffer[range.lowerBound + Int(rng.next() % UInt64(range.count))]
        // [lowerBound, less) < pivot, [less, index) == pivot, [greater, upperBound) > pivot.
        var less = range.lowerBound
        var index = range.lowerBound
        var greater = range.upperBound
        while index < greater {
            let v = buffer[index]
            if v < pivot {
                buffer.swapAt(less, index)
                less += 1
                index += 1
            } else if v > pivot {
                greater -= 1
                buffer.swapAt(index, greater)
            } else {
                index += 1
            }
        }
        let split = ranks.partitioningIndex { $0 >= less }
        let right = ranks.partitioningIndex { $0 >= greater }
        select(buffer, range: range.lowerBound..<less, ranks: ranks[..<split], depth: depth - 1, rng: &rng)
        select(buffer, range: greater..<range.upperBound, ranks: ranks[right...], depth: depth - 1, rng: &rng)
    }
}

extension ArraySlice where Element == Int {
    /// First index whose element satisfies `predicate`, which must be false then true along the slice.
    fileprivate func partitioningIndex(where predicate: (Int) -> Bool) -> Index {
        var low = startIndex
        var high = endIndex
        while low < high {
            let middle = low + (high - low) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
