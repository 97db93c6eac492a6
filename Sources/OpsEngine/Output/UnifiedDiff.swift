/// A unified diff of two texts (`--diff`), with three lines of context, like `diff -u`.
public enum UnifiedDiff {
    public static func make(_ before: String, _ after: String, from a: String, to b: String) -> String {
        let old = lines(before), new = lines(after)
        let ops = edits(old, new)
        guard ops.contains(where: { $0.kind != .same }) else { return "" }
        var out = "--- \(a)\n+++ \(b)\n"
        // Group edits into hunks with up to 3 lines of context around changes.
        var i = 0
        while i < ops.count {
            guard let firstChange = ops[i...].firstIndex(where: { $0.kind != .same }) else { break }
            let start = max(i, firstChange - 3)
            var end = firstChange
            var lastChange = firstChange
            while end < ops.count {
                if ops[end].kind != .same { lastChange = end }
                if end - lastChange > 6 { break }
                end += 1
            }
            let stop = min(ops.count, lastChange + 4)
            let hunk = ops[start..<stop]
            let oldStart = hunk.first!.oldIndex, newStart = hunk.first!.newIndex
            let oldCount = hunk.filter { $0.kind != .insert }.count
            let newCount = hunk.filter { $0.kind != .delete }.count
            out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n"
            for op in hunk {
                switch op.kind {
                case .same: out += " " + op.text + "\n"
                case .delete: out += "-" + op.text + "\n"
                case .insert: out += "+" + op.text + "\n"
                }
            }
            i = stop
        }
        return out
    }

    /// diff -u's hunk range: "3" for one line, "3,4" for more, "2,0" for none (after line 2).
    static func range(_ start: Int, _ count: Int) -> String {
        if count == 1 { return "\(start + 1)" }
        return count == 0 ? "\(start),0" : "\(start + 1),\(count)"
    }

    struct Op {
        enum Kind { case same, delete, insert }
        var kind: Kind
        var text: String
        var oldIndex: Int
        var newIndex: Int
    }

    static func lines(_ s: String) -> [String] {
        var l = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if l.last == "" { l.removeLast() }
        return l
    }

    /// Longest-common-subsequence edit script; files under `--diff` are small (≤ 256 KiB).
    static func edits(_ a: [String], _ b: [String]) -> [Op] {
        let n = a.count, m = b.count
        var lcs = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
                }
            }
        }
        var ops: [Op] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n && j < m && a[i] == b[j] {
                ops.append(Op(kind: .same, text: a[i], oldIndex: i, newIndex: j))
                i += 1
                j += 1
            } else if j < m && (i == n || lcs[i][j + 1] > lcs[i + 1][j]) {
                ops.append(Op(kind: .insert, text: b[j], oldIndex: i, newIndex: j))
                j += 1
            } else {
                ops.append(Op(kind: .delete, text: a[i], oldIndex: i, newIndex: j))
                i += 1
            }
        }
        return ops
    }
}
