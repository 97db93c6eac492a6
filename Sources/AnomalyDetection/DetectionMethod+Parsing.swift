extension DetectionMethod {
    /// The method called `name` in the API, or `DetectionError.invalidOption(name: "method", …)`
    /// listing the methods and suggesting the nearest one ("did you mean `isolation_forest`?").
    public static func named(_ name: String) throws -> DetectionMethod {
        if let method = DetectionMethod(rawValue: name) { return method }
        let known = allCases.map(\.rawValue)
        let lowered = name.lowercased().replacingHyphens()
        let nearest = known.min { editDistance(lowered, $0) < editDistance(lowered, $1) }!
        let hint = editDistance(lowered, nearest) <= max(2, nearest.count / 3) ? "did you mean `\(nearest)`? " : ""
        throw DetectionError.invalidOption(
            name: "method", reason: "unknown method `\(name)`; \(hint)expected one of \(known.joined(separator: ", "))")
    }

    /// Levenshtein distance, for suggestions only.
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension String {
    fileprivate func replacingHyphens() -> String {
        String(map { $0 == "-" || $0 == " " ? "_" : $0 })
    }
}
