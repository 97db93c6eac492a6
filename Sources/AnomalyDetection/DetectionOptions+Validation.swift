extension DetectionOptions {
    /// Limits that keep one request from tying up the service: the largest forest allowed (500 trees
    /// of 4,096) takes under a second on 100,000 points, against ~15 ms for the default 100 of 256.
    static let maximumTrees = 500
    static let maximumSampleSize = 4_096

    /// Checks the options `method` uses (for `ensemble`, its own and every member's), naming the
    /// option, the value, and the accepted range.
    func validate(for method: DetectionMethod) throws {
        var used: Set<DetectionMethod> = [method]
        if method == .ensemble {
            try validateEnsemble()
            used.formUnion(ensembleMethods)
        }
        if !used.subtracting([.isolationForest, .ensemble]).isEmpty {
            guard sensitivity.isFinite, sensitivity > 0 else {
                throw DetectionError.invalidOption(
                    name: "sensitivity",
                    reason: "must be a number greater than 0, got \(sensitivity) (the default is 2.0)")
            }
        }
        if used.contains(.ewma) {
            guard ewmaAlpha.isFinite, ewmaAlpha > 0, ewmaAlpha <= 1 else {
                throw DetectionError.invalidOption(
                    name: "ewmaAlpha", reason: "must be in (0, 1], got \(ewmaAlpha) (the default is 0.3)")
            }
        }
        if used.contains(.isolationForest) {
            try validateIsolationForest()
        }
    }

    private func validateEnsemble() throws {
        guard !ensembleMethods.isEmpty else {
            throw DetectionError.invalidOption(
                name: "ensembleMethods",
                reason: "is empty; list at least one of zscore, mad, iqr, ewma, isolation_forest")
        }
        if ensembleMethods.contains(.ensemble) {
            throw DetectionError.invalidOption(
                name: "ensembleMethods", reason: "cannot contain ensemble itself")
        }
        var seen: Set<DetectionMethod> = []
        for member in ensembleMethods where !seen.insert(member).inserted {
            throw DetectionError.invalidOption(
                name: "ensembleMethods", reason: "lists \(member.rawValue) twice; each method votes once")
        }
        guard (1...ensembleMethods.count).contains(ensembleThreshold) else {
            throw DetectionError.invalidOption(
                name: "ensembleThreshold",
                reason: "must be between 1 and the \(ensembleMethods.count) voting methods, got \(ensembleThreshold)")
        }
    }

    private func validateIsolationForest() throws {
        if let s = isolationScoreThreshold {
            guard s.isFinite, s > 0, s < 1 else {
                throw DetectionError.invalidOption(
                    name: "isolationScoreThreshold", reason: "must be in (0, 1), got \(s)")
            }
        } else {
            guard contamination.isFinite, contamination > 0, contamination <= 0.5 else {
                throw DetectionError.invalidOption(
                    name: "contamination", reason: "must be in (0, 0.5], got \(contamination) (the default is 0.1)")
            }
        }
        guard (1...Self.maximumTrees).contains(trees) else {
            throw DetectionError.invalidOption(
                name: "trees", reason: "must be between 1 and \(Self.maximumTrees), got \(trees) (the default is 100)")
        }
        guard (2...Self.maximumSampleSize).contains(sampleSize) else {
            throw DetectionError.invalidOption(
                name: "sampleSize",
                reason: "must be between 2 and \(Self.maximumSampleSize), got \(sampleSize) (the default is 256)")
        }
    }
}
