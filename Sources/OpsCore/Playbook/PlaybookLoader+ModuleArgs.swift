@preconcurrency import Yams
import Jinja

extension PlaybookLoader {
    /// A module's arguments by canonical name, checked against its spec: unknown names (with a
    /// suggestion), missing required ones, values outside `choices`, conflicting pairs.
    func moduleArguments(_ spec: ModuleSpec, _ value: Node, keyNode: Node, extra: Node?, _ source: Source) throws
        -> [(name: String, value: Node, location: SourceLocation?)]
    {
        var args: [(name: String, value: Node, location: SourceLocation?)] = []
        func add(_ name: String, _ v: Node, _ at: Node) throws {
            guard
                let canonical = spec.canonical(name) ?? (name == "_raw_params" && spec.freeForm ? name : nil)
                    ?? (spec.anyArguments ? name : nil)
            else {
                let names = spec.args.flatMap { [$0.name] + $0.aliases }
                let hint = Suggestion.closest(to: name, in: names).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw source.error(
                    "\(spec.name) has no argument \"\(name)\"\(hint); it takes: "
                        + spec.args.map(\.name).joined(separator: ", "), at)
            }
            if let i = args.firstIndex(where: { $0.name == canonical }) {
                args[i] = (canonical, v, source.location(at))
            } else {
                args.append((canonical, v, source.location(at)))
            }
        }
        switch value {
        case .scalar(let s) where !value.isNull:
            let parsed: KeyValueArguments.Parsed
            do {
                parsed = try KeyValueArguments.parse(s.string, freeFormKeys: spec.freeForm ? Self.freeFormOptions : nil)
            } catch {
                throw source.error("\(error) in the arguments of \(spec.name)", value)
            }
            if let free = parsed.freeForm {
                guard spec.freeForm else {
                    throw source.error(
                        "\(spec.name) takes key=value arguments; \"\(free)\" is not one (quote values with spaces)", value)
                }
                try add("_raw_params", Node(free, Tag(.str)), value)
            }
            for (k, v) in parsed.pairs { try add(k, Node(v, Tag(.str)), value) }
        case .mapping(let m):
            for (k, v) in m {
                guard case .scalar(let ks) = k else { throw source.error("argument names must be strings", k) }
                if spec.freeForm && ks.string == "cmd" && spec.canonical("cmd") == nil {
                    try add("_raw_params", v, k)
                } else {
                    try add(ks.string, v, k)
                }
            }
        case .sequence:
            throw source.error("\(spec.name) arguments must be key=value text or a mapping, not a list", value)
        default:
            break
        }
        if let extra {
            guard case .mapping(let m) = extra else { throw source.error("args must be a mapping", extra) }
            for (k, v) in m where args.first(where: { $0.name == k.scalar?.string }) == nil {
                try add(try source.string(k, "argument"), v, k)
            }
        }
        try checkArguments(spec, args, at: keyNode, source)
        return args
    }

    private func checkArguments(
        _ spec: ModuleSpec, _ args: [(name: String, value: Node, location: SourceLocation?)], at node: Node,
        _ source: Source
    ) throws {
        let given = Set(args.map(\.name))
        if spec.freeForm, spec.args.contains(where: { $0.name == "argv" }),
            !given.contains("_raw_params") && !given.contains("argv")
        {
            throw source.error("\(spec.name) needs a command (free-form text, `cmd:` or `argv:`)", node)
        }
        for arg in spec.args where arg.required && !given.contains(arg.name) {
            throw source.error("\(spec.name) needs the argument \"\(arg.name)\"", node)
        }
        for group in spec.requiredOneOf where given.isDisjoint(with: group) {
            throw source.error("\(spec.name) needs one of: \(group.joined(separator: ", "))", node)
        }
        for group in spec.mutuallyExclusive {
            let both = group.filter { given.contains($0) }
            if both.count > 1 {
                throw source.error("\(spec.name): \(both.joined(separator: " and ")) cannot be used together", node)
            }
        }
        for rule in spec.requiredIf {
            // Not given: the argument's default decides, as Ansible applies defaults before required_if.
            let value: String?
            if let given = args.first(where: { $0.name == rule.arg }) {
                if case .scalar(let s) = given.value, !s.string.contains("{{") { value = s.string } else { value = nil }
            } else {
                value = spec.arg(rule.arg)?.defaultValue
            }
            guard let value,
                value == rule.value || (PlaybookLoader.yamlBool(value) != nil
                    && PlaybookLoader.yamlBool(value) == PlaybookLoader.yamlBool(rule.value))
            else { continue }
            let missing = rule.needs.filter { !args.map(\.name).contains($0) }
            if rule.anyOf ? missing.count == rule.needs.count : !missing.isEmpty {
                let what = rule.anyOf ? "one of " + rule.needs.joined(separator: ", ") : missing.joined(separator: ", ")
                throw source.error("\(spec.name): \(rule.arg)=\(rule.value) needs \(what)", node)
            }
        }
        for (name, value, location) in args {
            guard let arg = spec.arg(name), !arg.choices.isEmpty, case .scalar(let s) = value,
                !s.string.contains("{{")
            else { continue }
            if !arg.choices.contains(s.string) {
                let hint = Suggestion.closest(to: s.string, in: arg.choices).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw InputError(
                    "\(spec.name): \(name) must be one of \(arg.choices.joined(separator: ", ")), got \"\(s.string)\"\(hint)",
                    at: YAMLDocument.location(of: value, file: source.file) ?? location ?? source.location(node),
                    in: source.text)
            }
        }
    }
}

