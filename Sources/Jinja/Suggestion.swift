/// "Did you mean …?" for misspelt names: filters, tests and arguments in templates, and module
/// names, keywords and arguments in playbooks and inventories (OpsCore uses this one too).
public enum Suggestion {
    /// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let w = Array(word.lowercased())
        var best: (String, Int)?
        var sameStem: [String] = []
        for c in candidates {
            let lower = Array(c.lowercased())
            let d = distance(w, lower)
            if d <= max(1, min(3, w.count / 3)) && (best == nil || d < best!.1) { best = (c, d) }
            // A shared stem ("childs" for "children") is a likely typo the edit distance misses.
            let stem = min(w.count, lower.count, 5)
            if stem >= 4, lower.prefix(stem) == w.prefix(stem) { sameStem.append(c) }
        }
        if let best { return best.0 }
        return sameStem.count == 1 ? sameStem[0] : nil
    }

    /// Edit distance where swapping two neighbours ("hsots" for "hosts") is one edit.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
