import Foundation

/// Ansible host patterns: `all`, `*`, groups, hosts, globs (`app*`), regexes (`~app[12]`),
/// subscripts (`app[0]`, `app[0:1]`, inclusive as in Ansible), union (`a:b` or `a,b`),
/// intersection (`&b`) and exclusion (`!b`). Unions apply first, then intersections, then
/// exclusions, whatever their order in the pattern, as Ansible does.
public struct HostPattern: Sendable, Equatable, CustomStringConvertible {
    public enum Operation: Sendable, Equatable { case union, intersection, exclusion }

    public struct Term: Sendable, Equatable {
        public var operation: Operation
        public var name: String
        /// `[start]` or `[start:end]`; end nil with `isRange` means "to the last".
        public var subscriptStart: Int?
        public var subscriptEnd: Int?
        public var isRange: Bool
    }

    public var text: String
    public var terms: [Term]

    public var description: String { text }

    public init(_ text: String) throws {
        self.text = text
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw PatternError("empty host pattern") }
        terms = try HostPattern.split(trimmed).map(HostPattern.term)
    }

    /// Splits on "," when present, else on ":" outside brackets (IPv6 addresses stay whole).
    static func split(_ text: String) -> [String] {
        if text.contains(",") {
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if text.filter({ $0 == ":" }).count > 1 && !text.contains("[") && text.range(of: "::") != nil {
            return [text]
        }
        var parts: [String] = []
        var current = ""
        var depth = 0
        for c in text {
            if c == "[" { depth += 1 }
            if c == "]" { depth -= 1 }
            if c == ":" && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func term(_ raw: String) throws -> Term {
        var name = raw
        var op = Operation.union
        if name.hasPrefix("!") {
            op = .exclusion
            name.removeFirst()
        } else if name.hasPrefix("&") {
            op = .intersection
            name.removeFirst()
        }
        guard !name.isEmpty else { throw PatternError("\"\(raw)\": a name must follow & or !") }
        var term = Term(operation: op, name: name, subscriptStart: nil, subscriptEnd: nil, isRange: false)
        // A subscript is a trailing [n] or [n:m]; a regex (~…) keeps its brackets.
        if !name.hasPrefix("~"), name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
            let inner = name[name.index(after: open)..<name.index(before: name.endIndex)]
            let bounds = inner.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            func int(_ s: String) throws -> Int? {
                if s.isEmpty { return nil }
                guard let v = Int(s) else { throw PatternError("\"\(raw)\": subscript must be [n] or [n:m]") }
                return v
            }
            if bounds.count == 1 {
                guard let v = try int(bounds[0]) else { throw PatternError("\"\(raw)\": empty subscript") }
                term.subscriptStart = v
            } else if bounds.count == 2 {
                term.subscriptStart = try int(bounds[0]) ?? 0
                term.subscriptEnd = try int(bounds[1])
                term.isRange = true
            } else {
                throw PatternError("\"\(raw)\": subscript must be [n] or [n:m]")
            }
            term.name = String(name[..<open])
        }
        return term
    }

    /// The hosts the pattern selects, in evaluation order (unions in pattern order, each group's
    /// hosts in inventory order).
    public func hosts(in inventory: Inventory) throws -> [String] {
        var result: [String] = []
        var seen = Set<String>()
        let ordered = terms.filter { $0.operation == .union } + terms.filter { $0.operation == .intersection }
            + terms.filter { $0.operation == .exclusion }
        for term in ordered {
            let matched = try HostPattern.match(term, in: inventory)
            switch term.operation {
            case .union:
                for h in matched where seen.insert(h).inserted { result.append(h) }
            case .intersection:
                let keep = Set(matched)
                result.removeAll { !keep.contains($0) }
            case .exclusion:
                let drop = Set(matched)
                result.removeAll { drop.contains($0) }
            }
            seen = Set(result)
        }
        return result
    }

    static func match(_ term: Term, in inventory: Inventory) throws -> [String] {
        var hosts: [String]
        let name = term.name
        if name == "all" || name == "*" {
            hosts = inventory.hosts.map(\.name)
        } else if inventory.group(name) != nil {
            hosts = inventory.hosts(inGroup: name)
        } else if inventory.host(name) != nil {
            hosts = [name]
        } else if name.hasPrefix("~") {
            let regex: NSRegularExpression
            do { regex = try NSRegularExpression(pattern: String(name.dropFirst())) } catch {
                throw PatternError("\"\(name)\": invalid regular expression")
            }
            hosts = matchNames { name in
                let range = NSRange(name.startIndex..., in: name)
                return regex.firstMatch(in: name, options: .anchored, range: range) != nil
            }
        } else if name.contains(where: { "*?[".contains($0) }) {
            hosts = matchNames { Glob.matches(name, $0) }
        } else {
            hosts = []
        }
        func matchNames(_ predicate: (String) -> Bool) -> [String] {
            var out: [String] = []
            var seen = Set<String>()
            for g in inventory.groupNames where predicate(g) {
                for h in inventory.hosts(inGroup: g) where seen.insert(h).inserted { out.append(h) }
            }
            for h in inventory.hosts where predicate(h.name) && seen.insert(h.name).inserted { out.append(h.name) }
            return out
        }
        if let start = term.subscriptStart {
            let n = hosts.count
            func index(_ i: Int) -> Int { i < 0 ? n + i : i }
            if term.isRange {
                let s = max(0, index(start))
                let e = min(n - 1, index(term.subscriptEnd ?? (n - 1)))
                hosts = s <= e ? Array(hosts[s...e]) : []
            } else {
                let i = index(start)
                hosts = (0..<n).contains(i) ? [hosts[i]] : []
            }
        }
        return hosts
    }

    public struct PatternError: Error, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = "host pattern \(d)" }
    }
}

/// Shell-style globs (`*`, `?`, `[abc]`) as Python's fnmatch, used by host patterns.
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        func m(_ i: Int, _ j: Int) -> Bool {
            if i == p.count { return j == t.count }
            switch p[i] {
            case "*":
                var k = j
                while true {
                    if m(i + 1, k) { return true }
                    if k == t.count { return false }
                    k += 1
                }
            case "?":
                return j < t.count && m(i + 1, j + 1)
            case "[":
                guard j < t.count, let close = p[(i + 1)...].firstIndex(of: "]") else {
                    return j < t.count && t[j] == "[" && m(i + 1, j + 1)
                }
                var set = Array(p[(i + 1)..<close])
                let negate = set.first == "!"
                if negate { set.removeFirst() }
                var hit = false
                var k = 0
                while k < set.count {
                    if k + 2 < set.count, set[k + 1] == "-" {
                        if set[k] <= t[j] && t[j] <= set[k + 2] { hit = true }
                        k += 3
                    } else {
                        if set[k] == t[j] { hit = true }
                        k += 1
                    }
                }
                return hit != negate && m(close + 1, j + 1)
            default:
                return j < t.count && p[i] == t[j] && m(i + 1, j + 1)
            }
        }
        return m(0, 0)
    }
}
