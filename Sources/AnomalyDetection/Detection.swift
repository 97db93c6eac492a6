// The contract between the detectors and detection-service. The detectors' author fills in
// the implementations (one detector per file); the service codes against these types only.

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
    /// Threshold in the method's own units (z for zscore/mad/ewma, IQR multiples for iqr);
    /// the seed guides' default is 2.0.
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

    public init(
        sensitivity: Double = 2.0, ensembleThreshold: Int = 2,
        ensembleMethods: [DetectionMethod] = [.zscore, .mad, .iqr, .ewma, .isolationForest],
        ewmaAlpha: Double = 0.3, contamination: Double = 0.1, trees: Int = 100, sampleSize: Int = 256,
        seed: UInt64 = 42
    ) {
        self.sensitivity = sensitivity
        self.ensembleThreshold = ensembleThreshold
        self.ensembleMethods = ensembleMethods
        self.ewmaAlpha = ewmaAlpha
        self.contamination = contamination
        self.trees = trees
        self.sampleSize = sampleSize
        self.seed = seed
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

/// Runs `method` over `values`. Throws `DetectionError` for input no method can use.
public func detect(_ values: [Double], method: DetectionMethod, options: DetectionOptions = .init()) throws
    -> DetectionOutcome
{
    // Stub until the detectors land: validates input, finds nothing.
    guard !values.isEmpty else { throw DetectionError.emptySeries }
    if let i = values.firstIndex(where: { !$0.isFinite }) { throw DetectionError.nonFiniteValue(index: i) }
    return DetectionOutcome(
        method: method, anomalies: [], scores: Array(repeating: 0, count: values.count), count: values.count,
        mean: 0, standardDeviation: 0)
}
