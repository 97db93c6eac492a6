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

        // In one dimension a tree cuts the line into intervals, each with a constant path length,
        // and grows its leaves in ascending order. Merging each tree's leaves with the distinct
        // input values, sorted once, scores every point in one sequential pass per tree instead of
        // a walk down every tree per point.
        var distinct = values.sorted()
        var kept = 0
        for v in distinct where kept == 0 || v != distinct[kept - 1] {
            distinct[kept] = v
            kept += 1
        }
        distinct.removeLast(distinct.count - kept)
        var pathSums = [Double](repeating: 0, count: distinct.count)

        var rng = SplitMix64(seed: seed)
        let heightLimit = Int(log2(Double(max(psi, 2))).rounded(.up))
        var indices = Array(values.indices)
        var sample = [Double](repeating: 0, count: psi)
        var leaves: [Leaf] = []
        for _ in 0..<trees {
            // A partial Fisher–Yates shuffle: the first ψ slots become a uniform sample.
            for i in 0..<psi {
                let j = i + Int(rng.next() % UInt64(values.count - i))
                indices.swapAt(i, j)
                sample[i] = values[indices[i]]
            }
            leaves.removeAll(keepingCapacity: true)
            sample.withUnsafeMutableBufferPointer { buffer in
                grow(buffer, 0..<buffer.count, depth: 0, heightLimit: heightLimit, rng: &rng, leaves: &leaves)
            }
            var position = 0
            for leaf in leaves {
                while position < distinct.count && distinct[position] <= leaf.upperBound {
                    pathSums[position] += leaf.pathLength
                    position += 1
                }
            }
        }
        let distinctScores = pathSums.map { exp2(-($0 / Double(trees)) / normaliser) }
        return values.map { distinctScores[Self.firstIndex(in: distinct, notBelow: $0)] }
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

    /// The first index whose element is >= `value` (a lower bound) in an ascending array.
    static func firstIndex(in sorted: [Double], notBelow value: Double) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
