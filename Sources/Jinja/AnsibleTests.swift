/// Ansible's tests that jinja2 lacks and that need no file system: the rest of the task-result tests
/// (`reachable`, `timedout`), the `is`-prefixed aliases, and the URI tests. File tests (`is file`,
/// `is directory`) read the control node and are registered by the playbook engine.
enum AnsibleTests {
    static let all: [String: Test] = {
        var t: [String: Test] = [:]
        t["unreachable"] = { v, _, _ in try result(v, "unreachable")["unreachable"]?.truthy() ?? false }
        t["reachable"] = { v, _, _ in !(try result(v, "reachable")["unreachable"]?.truthy() ?? false) }
        t["timedout"] = { v, _, _ in
            guard let t = try result(v, "timedout")["timedout"], try t.truthy() else { return false }
            return try t.dictValue?["period"]?.truthy() ?? false
        }
        t["uri"] = { v, a, _ in try isURI(v, schemes: a.get(0, "schemes")) != nil }
        t["url"] = { v, a, _ in
            guard let parts = try isURI(v, schemes: a.get(0, "schemes")) else { return false }
            return !parts.netloc.isEmpty || parts.scheme == "file"
        }
        t["urn"] = { v, _, _ in try isURI(v, schemes: .list(["urn"])) != nil }
        return t
    }()

    static func result(_ v: Value, _ test: String) throws -> ValueDict {
        guard let d = v.dictValue else {
            throw TemplateError.type("the '\(test)' test expects a task result dictionary, got \(v.typeName)")
        }
        return d
    }

    /// Aliases Ansible registers under a second name.
    static let aliases = ["issubset": "subset", "issuperset": "superset", "isnan": "nan", "is_abs": "abs"]

    /// Ansible's `is_uri`: anything `urlparse` accepts, with a scheme among `schemes` when given.
    static func isURI(_ v: Value, schemes: Value?) throws -> URLParts? {
        guard case .string(let s) = v, let parts = try? URLParts(s) else { return nil }
        if let schemes, !schemes.isNone, try schemes.truthy() {
            guard try schemes.iterate().contains(.string(parts.scheme)) else { return nil }
        }
        return parts
    }
}
