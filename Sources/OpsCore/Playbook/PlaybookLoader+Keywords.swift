@preconcurrency import Yams

/// Reading keyword values with errors that say which keyword wanted what.
extension PlaybookLoader.Source {
    func string(_ node: Node, _ keyword: String) throws -> String {
        guard case .scalar(let s) = node else { throw error("\(keyword) must be a string, found \(node.kindName)", node) }
        return s.string
    }

    func strings(_ node: Node, _ keyword: String) throws -> [String] {
        switch node {
        case .scalar(let s):
            if node.isNull { return [] }
            // Ansible accepts "a, b" for tags and notify lists.
            return keyword == "tags" ? s.string.split(separator: ",").map { $0.trimmingCharacters(in: " ") } : [s.string]
        case .sequence(let seq):
            return try seq.map { try string($0, keyword) }
        default:
            throw error("\(keyword) must be a string or a list of strings, found \(node.kindName)", node)
        }
    }

    /// YAML 1.1 booleans, as Ansible reads them (yes/no/on/off/true/false, any case).
    func bool(_ node: Node, _ keyword: String) throws -> Bool {
        guard case .scalar(let s) = node, let b = PlaybookLoader.yamlBool(s.string) else {
            throw error("\(keyword) must be true or false, found \"\(node.scalar?.string ?? node.kindName)\"", node)
        }
        return b
    }

    func templatableBool(_ node: Node, _ keyword: String) throws -> Templatable<Bool> {
        if case .scalar(let s) = node, s.string.contains("{{") {
            return .template(Expression(s.string, at: location(node)))
        }
        return .literal(try bool(node, keyword))
    }

    /// `when`, `changed_when`, `failed_when`, `until`: a bare expression, a list of them (ANDed),
    /// or a boolean literal.
    func expressions(_ node: Node, _ keyword: String) throws -> [Expression] {
        switch node {
        case .scalar(let s):
            return [Expression(PlaybookLoader.bareExpression(s.string), at: location(node))]
        case .sequence(let seq):
            return try seq.map {
                guard case .scalar(let s) = $0 else { throw error("\(keyword) entries must be expressions", $0) }
                return Expression(PlaybookLoader.bareExpression(s.string), at: location($0))
            }
        default:
            throw error("\(keyword) must be an expression or a list of expressions, found \(node.kindName)", node)
        }
    }

    func number(_ node: Node, _ keyword: String) throws -> Double {
        guard case .scalar(let s) = node, let d = Double(s.string.trimmingCharacters(in: " %")) else {
            throw error("\(keyword) must be a number", node)
        }
        return d
    }

    func vars(_ node: Node, _ what: String) throws -> VariableSet {
        try VariableSet.from(node, file: file, text: text, what: what)
    }
}

extension PlaybookLoader {
    /// YAML 1.1's booleans as Ansible reads them (`yes`/`no`, `on`/`off`, `true`/`false`, `y`/`n`, `1`/`0`).
    public static func yamlBool(_ s: String) -> Bool? {
        switch s.lowercased() {
        case "true", "yes", "on", "y", "1": return true
        case "false", "no", "off", "n", "0": return false
        default: return nil
        }
    }

    /// `when: "{{ x }}"` is accepted by Ansible (with a warning): strip the braces.
    static func bareExpression(_ text: String) -> String {
        let t = text.trimmingCharacters(in: " \n")
        if t.hasPrefix("{{"), t.hasSuffix("}}"), t.components(separatedBy: "{{").count == 2 {
            return String(t.dropFirst(2).dropLast(2)).trimmingCharacters(in: " ")
        }
        return t
    }

    /// Reads the keywords every level shares into `keywords`; returns true when `key` was one.
    func inheritedKeyword(_ key: String, _ value: Node, into k: inout InheritedKeywords, _ source: Source) throws
        -> Bool
    {
        switch key {
        case "become": k.become = try source.templatableBool(value, key)
        case "become_user": k.becomeUser = try source.string(value, key)
        case "become_method":
            let method = try source.string(value, key)
            guard method == "sudo" || method == "su" else {
                throw source.error("become_method \"\(method)\" is not supported: use sudo or su", value)
            }
            k.becomeMethod = method
        case "remote_user": k.remoteUser = try source.string(value, key)
        case "when": k.when += try source.expressions(value, key)
        case "tags": k.tags += try source.strings(value, key)
        case "vars": k.vars.merge(try source.vars(value, "vars"))
        case "environment": k.environment = value
        case "ignore_errors": k.ignoreErrors = try source.templatableBool(value, key)
        case "ignore_unreachable": k.ignoreUnreachable = try source.bool(value, key)
        case "check_mode": k.checkMode = try source.templatableBool(value, key)
        case "diff": k.diff = try source.templatableBool(value, key)
        case "no_log": k.noLog = try source.templatableBool(value, key)
        case "any_errors_fatal": k.anyErrorsFatal = try source.bool(value, key)
        case "delegate_to": k.delegateTo = value
        case "run_once": k.runOnce = try source.bool(value, key)
        case "timeout":
            let seconds = try source.number(value, key)
            guard seconds >= 0 else { throw source.error("timeout must be a number of seconds, 0 or more", value) }
            k.timeout = seconds
        case "collections", "debugger", "throttle", "module_defaults", "connection", "port":
            // Accepted for compatibility; they do not change how opsctl runs.
            break
        default:
            return false
        }
        return true
    }

    static let inheritedKeywordNames = [
        "become", "become_user", "become_method", "remote_user", "when", "tags", "vars", "environment",
        "ignore_errors", "ignore_unreachable", "check_mode", "diff", "no_log", "any_errors_fatal", "delegate_to",
        "run_once", "collections", "debugger", "throttle", "timeout", "module_defaults", "connection", "port",
    ]
}

extension Node {
    var scalar: Node.Scalar? {
        if case .scalar(let s) = self { return s }
        return nil
    }
}
