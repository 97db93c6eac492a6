@preconcurrency import Yams
import Jinja

extension PlaybookLoader {
    static let taskKeywords =
        [
            "name", "action", "local_action", "args", "loop", "with_items", "with_list", "with_dict",
            "loop_control", "register", "notify", "listen", "changed_when", "failed_when", "until", "retries",
            "delay", "delegate_facts", "block", "rescue", "always",
        ] + inheritedKeywordNames + withLookups.map { "with_" + $0 }

    /// `with_<lookup>` loops the engine runs through the lookup of that name (Ansible's semantics).
    public static let withLookups = [
        "file", "fileglob", "first_found", "together", "nested", "subelements", "indexed_items", "lines",
        "template", "env", "sequence",
    ]

    /// Modules whose string argument is free text (a command line), with these words still read as options.
    static let freeFormOptions: Set<String> = [
        "creates", "removes", "chdir", "executable", "warn", "stdin", "stdin_add_newline", "strip_empty_ends",
    ]

    func parseTaskList(_ node: Node, _ source: Source, section: String) throws -> [TaskItem] {
        if node.isNull { return [] }
        guard case .sequence(let items) = node else {
            throw source.error("\(section) must be a list of tasks (each starting with `- name:`)", node)
        }
        return try items.map { try parseTaskItem($0, source) }
    }

    func parseTaskItem(_ node: Node, _ source: Source) throws -> TaskItem {
        guard case .mapping(let m) = node else {
            throw source.error("a task must be a mapping (`- name: …` then a module), found \(node.kindName)", node)
        }
        let keys = try m.keys.map { try source.string($0, "task keyword") }
        if keys.contains("block") { return .block(try parseBlock(m, node: node, source)) }
        for key in keys {
            switch ModuleCatalog.shortName(key) {
            case "import_tasks", "include_tasks", "include":
                return try parseInclude(m, node: node, key: key, source)
            case "import_role", "include_role":
                return try parseRoleInclude(m, node: node, key: key, source)
            default: continue
            }
        }
        return .task(try parseTask(m, node: node, source))
    }

    private func parseBlock(_ m: Node.Mapping, node: Node, _ source: Source) throws -> Block {
        var block = Block(block: [], location: source.location(node))
        for (keyNode, value) in m {
            let key = keyNode.scalar!.string
            if try inheritedKeyword(key, value, into: &block.keywords, source) { continue }
            switch key {
            case "name": block.name = try source.string(value, key)
            case "block": block.block = try parseTaskList(value, source, section: "block")
            case "rescue": block.rescue = try parseTaskList(value, source, section: "rescue")
            case "always": block.always = try parseTaskList(value, source, section: "always")
            default:
                let known = ["name", "block", "rescue", "always"] + Self.inheritedKeywordNames
                let hint = Suggestion.closest(to: key, in: known).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw source.error("\"\(key)\" is not allowed on a block\(hint)", keyNode)
            }
        }
        return block
    }

    private func parseInclude(_ m: Node.Mapping, node: Node, key: String, _ source: Source) throws -> TaskItem {
        var keywords = InheritedKeywords()
        var fileNode: Node?
        var loop: Node?
        var loopControl = LoopControl()
        for (keyNode, value) in m {
            let k = keyNode.scalar!.string
            if k == key {
                if case .mapping(let args) = value { fileNode = args["file"] } else { fileNode = value }
                continue
            }
            if try inheritedKeyword(k, value, into: &keywords, source) { continue }
            switch k {
            case "name": break
            case "loop", "with_items": loop = value
            case "loop_control": loopControl = try parseLoopControl(value, source)
            case "args":
                if case .mapping(let args) = value, let f = args["file"] { fileNode = f }
            default:
                throw source.error("\"\(k)\" is not allowed on \(key)", keyNode)
            }
        }
        guard let fileNode, case .scalar(let fileScalar) = fileNode else {
            throw source.error("\(key) needs a file name", node)
        }
        let isStatic = ModuleCatalog.shortName(key) == "import_tasks"
        let literal = !fileScalar.string.contains("{{")
        if isStatic && !literal {
            throw source.error("import_tasks is static: its file name cannot be templated (use include_tasks)", fileNode)
        }
        var preloaded: [TaskItem]?
        if literal {
            preloaded = try loadTaskFile(fileScalar.string, from: fileNode, source)
        }
        if isStatic {
            if loop != nil { throw source.error("import_tasks cannot loop (use include_tasks)", node) }
            return .block(Block(block: preloaded ?? [], keywords: keywords, location: source.location(node)))
        }
        return .include(IncludeTasks(
            file: fileNode, keywords: keywords, loop: loop, loopControl: loopControl, location: source.location(node),
            baseDirectory: source.baseDirectory, rolePath: source.rolePath, preloaded: preloaded))
    }

    /// Reads a task file named relative to the including file (a role's `tasks/` for role files).
    func loadTaskFile(_ name: String, from node: Node, _ source: Source) throws -> [TaskItem] {
        var candidates = [joinPath(source.baseDirectory, name)]
        if let role = source.rolePath { candidates.append(joinPath(joinPath(role, "tasks"), name)) }
        guard let path = candidates.first(where: { reader.kind(of: $0) == .file }) else {
            throw source.error("task file \"\(name)\" not found (looked in \(candidates.joined(separator: ", ")))", node)
        }
        let text = try reader.read(path)
        var inner = Source(
            file: path, text: text, baseDirectory: directoryOf(path), rolePath: source.rolePath,
            isHandler: source.isHandler)
        inner.isHandler = source.isHandler
        guard let root = try YAMLDocument.parse(text, file: path) else { return [] }
        return try parseTaskList(root, inner, section: "a task file")
    }

    private func parseRoleInclude(_ m: Node.Mapping, node: Node, key: String, _ source: Source) throws -> TaskItem {
        var keywords = InheritedKeywords()
        var roleName: Node?
        for (keyNode, value) in m {
            let k = keyNode.scalar!.string
            if k == key {
                guard case .mapping(let args) = value, let n = args["name"] else {
                    throw source.error("\(key) needs `name:` (the role)", value)
                }
                roleName = n
                continue
            }
            if try inheritedKeyword(k, value, into: &keywords, source) { continue }
            if k != "name" { throw source.error("\"\(k)\" is not allowed on \(key)", keyNode) }
        }
        let roles = try loadRole(roleName!, source)
        // A role brought in by a task runs its tasks in place; its handlers join the play's.
        var items: [TaskItem] = []
        for role in roles {
            var k = role.keywords
            k.vars = role.defaults.merging(role.vars).merging(role.params).merging(k.vars)
            items.append(.block(Block(name: "role \(role.name)", block: role.tasks, keywords: k)))
        }
        return .block(Block(block: items, keywords: keywords, location: source.location(node)))
    }

    func parseLoopControl(_ node: Node, _ source: Source) throws -> LoopControl {
        guard case .mapping(let m) = node else { throw source.error("loop_control must be a mapping", node) }
        var lc = LoopControl()
        for (keyNode, value) in m {
            let k = try source.string(keyNode, "loop_control key")
            switch k {
            case "loop_var": lc.loopVar = try source.string(value, k)
            case "index_var": lc.indexVar = try source.string(value, k)
            case "label": lc.label = value
            case "pause": lc.pause = try source.number(value, k)
            case "extended": lc.extended = try source.bool(value, k)
            case "extended_allitems", "break_when": break
            default:
                let hint = Suggestion.closest(to: k, in: ["loop_var", "index_var", "label", "pause", "extended"])
                throw source.error(
                    "unknown loop_control key \"\(k)\"\(hint.map { " (did you mean \"\($0)\"?)" } ?? "")", keyNode)
            }
        }
        return lc
    }
}
