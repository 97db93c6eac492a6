extension Severity {
    /// Severity of a point whose score is `ratio` times its method's threshold: below 1.5× is low,
    /// below 2× medium, below 3× high, anything further critical. With the default sensitivity 2 a
    /// z of 2–3 is low, 3–4 medium, 4–6 high and 6 or more critical.
    public init(thresholdRatio ratio: Double) {
        switch ratio {
        case ..<1.5: self = .low
        case ..<2: self = .medium
        case ..<3: self = .high
        default: self = .critical
        }
    }

    /// Severity of an isolation-forest score s = 2^(-E(h)/c(ψ)) in (0, 1). Its ratio to the
    /// threshold never reaches 2, so it gets an absolute scale instead (Liu et al.: s near 1 is a
    /// certain anomaly, s <= 0.5 an ordinary point): below 0.6 low, below 0.7 medium, below 0.8
    /// high, otherwise critical.
    public init(isolationScore s: Double) {
        switch s {
        case ..<0.6: self = .low
        case ..<0.7: self = .medium
        case ..<0.8: self = .high
        default: self = .critical
        }
    }
}
