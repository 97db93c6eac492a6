import Foundation

/// jinja2's tests plus Ansible's (`match`, `search`, `version`, `subset`, task-result tests).
enum BuiltinTests {
    static let all: [String: Test] = {
        var t: [String: Test] = [:]
        t["defined"] = { v, _, _ in !v.isUndefined }
        t["undefined"] = { v, _, _ in v.isUndefined }
        t["none"] = { v, _, _ in v.isNone }
        t["boolean"] = { v, _, _ in if case .bool = v { return true } else { return false } }
        t["true"] = { v, _, _ in v.boolValue == true }
        t["false"] = { v, _, _ in v.boolValue == false }
        t["integer"] = { v, _, _ in if case .int = v { return true } else { return false } }
        t["float"] = { v, _, _ in if case .double = v { return true } else { return false } }
        t["number"] = { v, _, _ in
            switch v {
            case .int, .double, .bool: return true
            default: return false
            }
        }
        t["string"] = { v, _, _ in v.stringValue != nil }
        t["mapping"] = { v, _, _ in v.dictValue != nil }
        t["sequence"] = { v, _, _ in
            switch v {
            case .list, .tuple, .string, .dict: return true
            default: return false
            }
        }
        t["iterable"] = t["sequence"]
        t["callable"] = { v, _, _ in if case .object = v { return true } else { return false } }
        t["lower"] = { v, _, _ in
            let s = try v.pythonString()
            return s.contains { $0.isLetter } && s.lowercased() == s
        }
        t["upper"] = { v, _, _ in
            let s = try v.pythonString()
            return s.contains { $0.isLetter } && s.uppercased() == s
        }
        t["even"] = { v, _, _ in try integer(v) % 2 == 0 }
        t["odd"] = { v, _, _ in try integer(v) % 2 != 0 }
        t["divisibleby"] = { v, a, _ in
            let n = try a.int(0, "num", default: 1)
            guard n != 0 else { throw TemplateError.runtime("divisibleby(0): division by zero") }
            return try integer(v) % n == 0
        }
        t["escaped"] = { _, _, _ in false }
        t["sameas"] = { v, a, _ in
            let o = a.get(0, "other") ?? .none
            switch (v, o) {
            case (.none, .none): return true
            case (.bool(let x), .bool(let y)): return x == y
            case (.object(let x), .object(let y)): return x === y
            case (.int(let x), .int(let y)): return x == y && x >= -5 && x <= 256
            default: return false
            }
        }
        let compare: [(String, [String], CompareOp)] = [
            ("eq", ["equalto", "=="], .eq), ("ne", ["!="], .ne), ("lt", ["lessthan", "<"], .lt),
            ("le", ["<="], .le), ("gt", ["greaterthan", ">"], .gt), ("ge", [">="], .ge),
        ]
        for (name, aliases, op) in compare {
            let f: Test = { v, a, _ in try Operators.compare(op, v, a.get(0, "other") ?? .none) }
            t[name] = f
            for alias in aliases { t[alias] = f }
        }
        t["in"] = { v, a, _ in try Operators.contains(a.get(0, "seq") ?? .list([]), v) }
        t["contains"] = { v, a, _ in try Operators.contains(v, a.get(0, "item") ?? .none) }
        t["filter"] = { v, _, ctx in ctx.environment.filters[try v.pythonString()] != nil }
        t["test"] = { v, _, ctx in ctx.environment.tests[try v.pythonString()] != nil }

        // Ansible.
        t["match"] = { v, a, _ in try regexTest(v, a, mode: "match") }
        t["search"] = { v, a, _ in try regexTest(v, a, mode: "search") }
        t["regex"] = { v, a, _ in try regexTest(v, a, mode: try a.string(99, "match_type", default: "search")!) }
        t["version"] = { v, a, _ in try versionTest(v, a) }
        t["version_compare"] = t["version"]
        t["subset"] = { v, a, _ in
            let big = try (a.get(0, "b") ?? .list([])).iterate()
            return try v.iterate().allSatisfy { big.contains($0) }
        }
        t["superset"] = { v, a, _ in
            let mine = try v.iterate()
            return try (a.get(0, "b") ?? .list([])).iterate().allSatisfy { mine.contains($0) }
        }
        t["any"] = { v, _, _ in try v.iterate().contains { try $0.truthy() } }
        t["all"] = { v, _, _ in try v.iterate().allSatisfy { try $0.truthy() } }
        t["truthy"] = { v, a, _ in
            try AnsibleFilters.ansibleBool(v, convertBool: try a.bool(0, "convert_bool", default: false))
        }
        t["falsy"] = { v, a, _ in
            !(try AnsibleFilters.ansibleBool(v, convertBool: try a.bool(0, "convert_bool", default: false)))
        }
        t["nan"] = { v, _, _ in v.doubleValue?.isNaN ?? false }
        t["abs"] = { v, _, _ in (try v.pythonString()).hasPrefix("/") }
        // Task results (`register:`).
        let failed: Test = { v, _, _ in
            guard let d = v.dictValue else {
                throw TemplateError.type("the 'failed' test expects a task result dictionary")
            }
            return try d["failed"]?.truthy() ?? false
        }
        t["failed"] = failed
        t["failure"] = failed
        let succeeded: Test = { v, a, c in !(try failed(v, a, c)) }
        for n in ["succeeded", "success", "successful"] { t[n] = succeeded }
        let changed: Test = { v, _, _ in
            guard let d = v.dictValue else {
                throw TemplateError.type("the 'changed' test expects a task result dictionary")
            }
            if let c = d["changed"] { return try c.truthy() }
            if let results = d["results"]?.listValue {
                return try results.contains { try $0["changed"]?.truthy() ?? false }
            }
            return false
        }
        t["changed"] = changed
        t["change"] = changed
        let skipped: Test = { v, _, _ in
            guard let d = v.dictValue else {
                throw TemplateError.type("the 'skipped' test expects a task result dictionary")
            }
            return try d["skipped"]?.truthy() ?? false
        }
        t["skipped"] = skipped
        t["skip"] = skipped
        t["finished"] = { v, _, _ in try v.dictValue?["finished"]?.truthy() ?? true }
        t["started"] = { v, _, _ in try v.dictValue?["started"]?.truthy() ?? true }
        for (k, v) in AnsibleTests.all { t[k] = v }
        for (alias, name) in AnsibleTests.aliases { t[alias] = t[name] }
        return t
    }()

    static func integer(_ v: Value) throws -> Int {
        if let i = v.intValue { return i }
        if let d = v.doubleValue { return Int(d) }
        if case .undefined(let u) = v { throw TemplateError.undefined(u) }
        throw TemplateError.type("expected a number, got '\(v.typeName)'")
    }

    static func regexTest(_ v: Value, _ a: Arguments, mode: String) throws -> Bool {
        if case .undefined(let u) = v { throw TemplateError.undefined(u) }
        let pattern = try a.string(0, "pattern", default: "")!
        let m = try PythonRegex.firstMatch(
            try v.pythonString(), pattern: pattern,
            ignoreCase: try a.bool(99, "ignorecase", default: false),
            multiline: try a.bool(99, "multiline", default: false),
            anchored: mode == "match")
        if mode == "fullmatch", let m { return m.range.length == (try v.pythonString() as NSString).length }
        return m != nil
    }

    /// Ansible's `version` test: LooseVersion comparison by default, `strict`/`semver` accepted.
    static func versionTest(_ v: Value, _ a: Arguments) throws -> Bool {
        let left = try v.pythonString()
        let right = try a.string(0, "version", default: "")!
        let op = try a.string(1, "operator", default: "eq")!
        let c = compareVersions(left, right)
        switch op {
        case "==", "=", "eq": return c == 0
        case "!=", "<>", "ne": return c != 0
        case "<", "lt": return c < 0
        case "<=", "le": return c <= 0
        case ">", "gt": return c > 0
        case ">=", "ge": return c >= 0
        default:
            var message = "invalid version operator '\(op)'"
            let ops = ["==", "=", "eq", "!=", "<>", "ne", "<", "lt", "<=", "le", ">", "gt", ">=", "ge"]
            if let s = Suggestion.closest(to: op, in: ops) { message += "; did you mean '\(s)'?" }
            throw TemplateError.runtime(message)
        }
    }

    /// distutils LooseVersion: numbers compare numerically, letters lexically, numbers sort before letters.
    static func compareVersions(_ a: String, _ b: String) -> Int {
        func parts(_ s: String) -> [Value] {
            var r: [Value] = []
            var current = ""
            var isNum = false
            for c in s {
                if c == "." || c == "-" || c == "+" || c == "_" || c == " " {
                    if !current.isEmpty { r.append(isNum ? .int(Int(current) ?? 0) : .string(current)) }
                    current = ""
                    continue
                }
                let num = c.isNumber
                if !current.isEmpty && num != isNum {
                    r.append(isNum ? .int(Int(current) ?? 0) : .string(current))
                    current = ""
                }
                isNum = num
                current.append(c)
            }
            if !current.isEmpty { r.append(isNum ? .int(Int(current) ?? 0) : .string(current)) }
            return r
        }
        let x = parts(a)
        let y = parts(b)
        for (p, q) in zip(x, y) {
            switch (p, q) {
            case (.int(let i), .int(let j)) where i != j: return i < j ? -1 : 1
            case (.string(let s), .string(let t)) where s != t: return s < t ? -1 : 1
            case (.int, .string): return -1
            case (.string, .int): return 1
            default: continue
            }
        }
        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    }
}
