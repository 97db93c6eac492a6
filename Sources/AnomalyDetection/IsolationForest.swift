#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Liu, Ting and Zhou's isolation forest (2008) on a univariate series. Each of `trees` trees is
/// grown on ψ = min(sampleSize, n) points drawn without replacement, splitting at a value drawn
/// uniformly between the node's minimum and maximum (points <= the split go left), until a node
/// holds one distinct value or reaches the height limit ⌈log₂ ψ⌉. A point's path length in a tree
/// is the depth of its leaf plus c(leaf size); its score is s = 2^(−E(h) / c(ψ)) with
/// c(n) = 2·H(n − 1) − 2(n − 1)/n, as in scikit-learn. Anomalies: the points scoring above the
/// (1 − contamination) quantile (numpy linear), or above `scoreThreshold` when one is given.
struct IsolationForest {
    var trees: Int
    var sampleSize: Int
    var seed: UInt64

    func run(_ values: [Double], contamination: Double, scoreThreshold: Double?) -> MethodResult {
        let scores = scores(values)
        let threshold = scoreThreshold ?? SeriesStatistics.quantiles(scores, [1 - contamination])[0]
        return MethodResult(scores: scores, threshold: threshold, severityScale: .isolationScore)
    }

    /// Average path length of an unsuccessful search in a binary search tree of n points.
    static func averagePathLength(_ n: Int) -> Double {
        if n <= 1 { return 0 }
        if n == 2 { return 1 }
        let eulerGamma = 0.577_215_664_901_532_9
        let m = Double(n - 1)
        return 2 * (log(m) + eulerGamma) - 2 * m / Double(n)
    }

    func scores(_ values: [Double]) -> [Double] {
        let psi = min(sampleSize, values.count)
        let normaliser = Self.averagePathLength(psi)
        // One point per tree leaves nothing to isolate: scikit-learn scores everything 0.5.
        guard normaliser > 0 else { return Array(repeating: 0.5, count: values.count) }

        // In one dimension a tree cuts the line into intervals, each with a constant path length.
        // Summing every tree's intervals over the union of all split points once makes scoring a
        // binary search per point instead of a walk down every tree.
        var rng = SplitMix64(seed: seed)
        let heightLimit = Int(log2(Double(max(psi, 2))).rounded(.up))
        var indices = Array(values.indices)
        var sample = [Double](repeating: 0, count: psi)
        var forestLeaves: [[Leaf]] = []
        forestLeaves.reserveCapacity(trees)
        var splits: [Double] = []
        for _ in 0..<trees {
            // A partial Fisher–Yates shuffle: the first ψ slots become a uniform sample.
            for i in 0..<psi {
                let j = i + Int(rng.next() % UInt64(values.count - i))
                indices.swapAt(i, j)
                sample[i] = values[indices[i]]
            }
            var leaves: [Leaf] = []
            sample.withUnsafeMutableBufferPointer { buffer in
                grow(buffer, 0..<buffer.count, depth: 0, heightLimit: heightLimit, rng: &rng, leaves: &leaves)
            }
            for leaf in leaves.dropLast() { splits.append(leaf.upperBound) }
            forestLeaves.append(leaves)
        }

        splits.sort()
        var boundaries: [Double] = []
        boundaries.reserveCapacity(splits.count)
        for split in splits where split != boundaries.last { boundaries.append(split) }
        // Interval j is (boundaries[j − 1], boundaries[j]], open-ended at both extremes.
        var pathSums = [Double](repeating: 0, count: boundaries.count + 2)
        for leaves in forestLeaves {
            var start = 0
            for leaf in leaves {
                let end =
                    leaf.upperBound.isInfinite
                    ? boundaries.count + 1 : Self.firstIndex(in: boundaries, notBelow: leaf.upperBound) + 1
                pathSums[start] += leaf.pathLength
                pathSums[end] -= leaf.pathLength
                start = end
            }
        }
        var running = 0.0
        var intervalScores = [Double](repeating: 0, count: boundaries.count + 1)
        for j in intervalScores.indices {
            running += pathSums[j]
            intervalScores[j] = exp2(-(running / Double(trees)) / normaliser)
        }
        return values.map { intervalScores[Self.firstIndex(in: boundaries, notBelow: $0)] }
    }

    /// A leaf covers the values above the previous leaf's `upperBound` up to its own (inclusive).
    struct Leaf {
        var upperBound: Double
        var pathLength: Double
    }

    /// Grows one subtree over `buffer[range]`, appending its leaves in ascending order of their
    /// intervals.
    private func grow(
        _ buffer: UnsafeMutableBufferPointer<Double>, _ range: Range<Int>, depth: Int, heightLimit: Int,
        rng: inout SplitMix64, leaves: inout [Leaf], upperBound: Double = .infinity
    ) {
        var low = Double.infinity
        var high = -Double.infinity
        var i = range.lowerBound
        while i < range.upperBound {
            low = min(low, buffer[i])
            high = max(high, buffer[i])
            i += 1
        }
        if depth >= heightLimit || range.count <= 1 || low == high {
            leaves.append(
                Leaf(upperBound: upperBound, pathLength: Double(depth) + Self.averagePathLength(range.count)))
            return
        }
        var split = low + rng.nextUnit() * (high - low)
        if !(split < high) { split = low }  // rounding reached the maximum: keep both sides non-empty
        var boundary = range.lowerBound
        i = range.lowerBound
        while i < range.upperBound {
            if buffer[i] <= split {
                buffer.swapAt(i, boundary)
                boundary += 1
            }
            i += 1
        }
        grow(
            buffer, range.lowerBound..<boundary, depth: depth + 1, heightLimit: heightLimit, rng: &rng,
            leaves: &leaves, upperBound: split)
        grow(
            buffer, boundary..<range.upperBound, depth: depth + 1, heightLimit: heightLimit, rng: &rng,
            leaves: &leaves, upperBound: upperBound)
    }

    /// The first index whose boundary is >= `value` (a lower bound), i.e. how many are below it.
    static func firstIndex(in boundaries: [Double], notBelow value: Double) -> Int {
        var low = 0
        var high = boundaries.count
        while low < high {
            let middle = (low + high) / 2
            if boundaries[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
