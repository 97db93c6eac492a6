// The contract between the detectors and detection-service: the service codes against these types,
// `detect` and `DetectionMethod.named` only. One detector per file; semantics in docs/detectors.md.

/// A detection method, by its API name.
public enum DetectionMethod: String, CaseIterable, Codable, Sendable {
    case zscore
    case mad
    case iqr
    case ewma
    case isolationForest = "isolation_forest"
    case ensemble
}

public enum Severity: String, CaseIterable, Codable, Sendable, Comparable {
    case low, medium, high, critical

    public static func < (a: Severity, b: Severity) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

public struct DetectionOptions: Sendable, Equatable {
    /// Threshold in the method's own units: |z| for zscore, mad and ewma; for iqr the fences sit
    /// 0.75 × sensitivity IQRs outside the quartiles, so the guides' default 2.0 gives Tukey's 1.5.
    public var sensitivity: Double
    /// Ensemble: how many member methods must flag a point (the guides' default is 2).
    public var ensembleThreshold: Int
    /// Ensemble members.
    public var ensembleMethods: [DetectionMethod]
    /// EWMA smoothing factor in (0, 1].
    public var ewmaAlpha: Double
    /// Isolation forest: expected share of anomalies, trees, sample size, and RNG seed
    /// (fixed, so the same request gives the same answer).
    public var contamination: Double
    public var trees: Int
    public var sampleSize: Int
    public var seed: UInt64
    /// Isolation forest: when set, flags points whose score (in (0, 1)) exceeds it instead of
    /// taking the `contamination` share of highest scores.
    public var isolationScoreThreshold: Double?

    public init(
        sensitivity: Double = 2.0, ensembleThreshold: Int = 2,
        ensembleMethods: [DetectionMethod] = [.zscore, .mad, .iqr, .ewma, .isolationForest],
        ewmaAlpha: Double = 0.3, contamination: Double = 0.1, trees: Int = 100, sampleSize: Int = 256,
        seed: UInt64 = 42, isolationScoreThreshold: Double? = nil
    ) {
        self.sensitivity = sensitivity
        self.ensembleThreshold = ensembleThreshold
        self.ensembleMethods = ensembleMethods
        self.ewmaAlpha = ewmaAlpha
        self.contamination = contamination
        self.trees = trees
        self.sampleSize = sampleSize
        self.seed = seed
        self.isolationScoreThreshold = isolationScoreThreshold
    }
}

public struct Anomaly: Sendable, Equatable, Codable {
    /// Position in the input series.
    public var index: Int
    public var value: Double
    /// The method's score (|z|, robust |z|, IQR distance, …); larger is more anomalous.
    public var score: Double
    public var severity: Severity

    public init(index: Int, value: Double, score: Double, severity: Severity) {
        self.index = index
        self.value = value
        self.score = score
        self.severity = severity
    }
}

public struct DetectionOutcome: Sendable, Equatable {
    public var method: DetectionMethod
    public var anomalies: [Anomaly]
    /// One score per input point, same order as the input.
    public var scores: [Double]
    public var count: Int
    public var mean: Double
    public var standardDeviation: Double

    public init(
        method: DetectionMethod, anomalies: [Anomaly], scores: [Double], count: Int, mean: Double,
        standardDeviation: Double
    ) {
        self.method = method
        self.anomalies = anomalies
        self.scores = scores
        self.count = count
        self.mean = mean
        self.standardDeviation = standardDeviation
    }
}

public enum DetectionError: Error, Equatable, CustomStringConvertible {
    case emptySeries
    case nonFiniteValue(index: Int)
    case invalidOption(name: String, reason: String)

    public var description: String {
        switch self {
        case .emptySeries: return "values: the series is empty"
        case .nonFiniteValue(let i): return "values[\(i)]: not a finite number"
        case .invalidOption(let n, let r): return "\(n): \(r)"
        }
    }
}

/// Runs `method` over `values`. Throws `DetectionError` for input no method can use and for options
/// the method (or, for `ensemble`, one of its members) cannot use. Semantics: docs/detectors.md.
public func detect(_ values: [Double], method: DetectionMethod, options: DetectionOptions = .init()) throws
    -> DetectionOutcome
{
    guard !values.isEmpty else { throw DetectionError.emptySeries }
    if let i = values.firstIndex(where: { !$0.isFinite }) { throw DetectionError.nonFiniteValue(index: i) }
    try options.validate(for: method)

    let (scaled, shift) = SeriesStatistics.rescaledIfExtreme(values)
    let moments = SeriesStatistics.Moments(scaled)
    let result = MethodResult.run(method, on: scaled, moments: moments, options: options)
    var anomalies: [Anomaly] = []
    for i in values.indices where result.flags[i] {
        anomalies.append(
            Anomaly(
                index: i, value: values[i], score: result.scores[i],
                severity: result.severity(ofScore: result.scores[i])))
    }
    // Unscaling can only overflow for a series spanning nearly ±1.8e308; keep the summary finite.
    let finite = { (x: Double) in
        min(max(SeriesStatistics.scaled(x, by: -shift), -.greatestFiniteMagnitude), .greatestFiniteMagnitude)
    }
    return DetectionOutcome(
        method: method, anomalies: anomalies, scores: result.scores, count: values.count, mean: finite(moments.mean),
        standardDeviation: finite(moments.standardDeviation))
}
