@preconcurrency import Yams
import Jinja

extension PlaybookLoader {
    static let playKeywords =
        [
            "name", "hosts", "vars_files", "gather_facts", "serial", "max_fail_percentage", "force_handlers",
            "pre_tasks", "tasks", "post_tasks", "handlers", "roles", "strategy", "order", "gather_subset",
            "gather_timeout", "fact_path", "vars_prompt",
        ] + inheritedKeywordNames

    func parsePlay(_ m: Node.Mapping, node: Node, _ source: Source) throws -> Play {
        guard let hostsNode = m["hosts"] else {
            throw source.error("a play needs `hosts:` (a host pattern such as all, app or app:!app3)", node)
        }
        let hosts: String
        if case .sequence(let seq) = hostsNode {
            hosts = try seq.map { try source.string($0, "hosts") }.joined(separator: ":")
        } else {
            hosts = try source.string(hostsNode, "hosts")
        }
        var play = Play(
            name: m["name"].flatMap { $0.scalar?.string } ?? hosts, hosts: hosts, location: source.location(node),
            baseDirectory: source.baseDirectory)
        var taskSections: [(String, Node)] = []
        for (keyNode, value) in m {
            let key = try source.string(keyNode, "play keyword")
            if try inheritedKeyword(key, value, into: &play.keywords, source) { continue }
            switch key {
            case "name", "hosts", "strategy", "order", "gather_subset", "gather_timeout", "fact_path":
                if key == "strategy", let s = value.scalar?.string, s != "linear" {
                    throw source.error("strategy \"\(s)\" is not supported: opsctl runs plays linearly", value)
                }
            case "gather_facts": play.gatherFacts = try source.bool(value, key)
            case "force_handlers": play.forceHandlers = try source.bool(value, key)
            case "max_fail_percentage":
                let p = try source.number(value, key)
                guard (0...100).contains(p) else { throw source.error("max_fail_percentage must be 0-100", value) }
                play.maxFailPercentage = p
            case "serial": play.serial = try serial(value, source)
            case "vars_files": play.varsFiles = try varsFiles(value, source)
            case "vars_prompt":
                throw source.error("vars_prompt is not supported: pass values with -e name=value", keyNode)
            case "pre_tasks", "tasks", "post_tasks", "handlers", "roles": taskSections.append((key, value))
            default:
                let hint = Suggestion.closest(to: key, in: Self.playKeywords).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw source.error("unknown play keyword \"\(key)\"\(hint)", keyNode)
            }
        }
        for (key, value) in taskSections {
            switch key {
            case "pre_tasks": play.preTasks = try parseTaskList(value, source, section: key)
            case "tasks": play.tasks = try parseTaskList(value, source, section: key)
            case "post_tasks": play.postTasks = try parseTaskList(value, source, section: key)
            case "handlers":
                var handlerSource = source
                handlerSource.isHandler = true
                play.handlers = try parseTaskList(value, handlerSource, section: key)
            case "roles":
                guard case .sequence(let roles) = value else {
                    throw source.error("roles must be a list of role names or `- role: name` entries", value)
                }
                play.roles = try roles.flatMap { try loadRole($0, source) }
            default: break
            }
        }
        return play
    }

    private func serial(_ node: Node, _ source: Source) throws -> [Play.SerialStep] {
        let items: [Node]
        if case .sequence(let seq) = node { items = Array(seq) } else { items = [node] }
        return try items.map { item in
            guard case .scalar(let s) = item else { throw source.error("serial entries must be numbers or \"N%\"", item) }
            let text = s.string.trimmingCharacters(in: " ")
            if text.hasSuffix("%"), let p = Double(text.dropLast()), p > 0, p <= 100 { return .percent(p) }
            if let n = Int(text), n > 0 { return .count(n) }
            throw source.error("serial must be a positive number, a percentage (\"30%\"), or a list of them", item)
        }
    }

    private func varsFiles(_ node: Node, _ source: Source) throws -> [(path: Node, vars: VariableSet?)] {
        let items: [Node]
        if case .sequence(let seq) = node { items = Array(seq) } else { items = [node] }
        return try items.map { item in
            guard case .scalar(let s) = item else {
                throw source.error("vars_files entries must be file names", item)
            }
            if s.string.contains("{{") { return (item, nil) }
            let path = joinPath(source.baseDirectory, s.string)
            guard reader.exists(path) else { throw source.error("vars file \"\(path)\" does not exist", item) }
            return (item, try readVarsFile(path))
        }
    }
}
