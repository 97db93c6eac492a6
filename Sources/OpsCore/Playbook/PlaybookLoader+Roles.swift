@preconcurrency import Yams

extension PlaybookLoader {
    /// Loads `- rolename` or `- role: rolename` (with parameters and keywords), its dependencies
    /// from meta/main.yml first. Returns the roles in the order they run.
    func loadRole(_ node: Node, _ source: Source) throws -> [Play.Role] {
        var seen: [String] = []
        return try loadRole(node, source, chain: &seen)
    }

    private func loadRole(_ node: Node, _ source: Source, chain: inout [String]) throws -> [Play.Role] {
        var nameNode = node
        var params = VariableSet()
        var keywords = InheritedKeywords()
        if case .mapping(let m) = node {
            guard let n = m["role"] ?? m["name"] else { throw source.error("a role entry needs `role: NAME`", node) }
            nameNode = n
            for (keyNode, value) in m {
                let key = try source.string(keyNode, "role keyword")
                if key == "role" || key == "name" { continue }
                if try inheritedKeyword(key, value, into: &keywords, source) { continue }
                params.set(key, value, origin: source.location(keyNode))
            }
        }
        let name = try source.string(nameNode, "role")
        guard !chain.contains(name) else {
            throw source.error("role dependency loop: \((chain + [name]).joined(separator: " → "))", nameNode)
        }
        let candidates = [joinPath(joinPath(source.baseDirectory, "roles"), name)]
            + rolesPath.map { joinPath($0, name) } + [joinPath(source.baseDirectory, name)]
        guard let path = candidates.first(where: { reader.kind(of: $0) == .directory }) else {
            throw source.error("role \"\(name)\" not found; looked in \(candidates.joined(separator: ", "))", nameNode)
        }
        chain.append(name)
        defer { chain.removeLast() }

        var role = Play.Role(name: name, path: path, params: params, keywords: keywords)
        var result: [Play.Role] = []
        if let (metaNode, metaSource) = try roleFile(path, "meta") {
            if case .mapping(let meta) = metaNode, let deps = meta["dependencies"], case .sequence(let list) = deps {
                for dep in list {
                    var depSource = metaSource
                    depSource.baseDirectory = source.baseDirectory
                    result += try loadRole(dep, depSource, chain: &chain)
                }
            }
        }
        if let (n, s) = try roleFile(path, "defaults") { role.defaults = try s.vars(n, "role defaults") }
        if let (n, s) = try roleFile(path, "vars") { role.vars = try s.vars(n, "role vars") }
        if let (n, s) = try roleFile(path, "tasks") { role.tasks = try parseTaskList(n, s, section: "tasks") }
        if let (n, s) = try roleFile(path, "handlers") {
            var handlerSource = s
            handlerSource.isHandler = true
            role.handlers = try parseTaskList(n, handlerSource, section: "handlers")
        }
        result.append(role)
        return result
    }

    /// `<role>/<folder>/main.yml` (or main.yaml, main), parsed, with a Source rooted in the role.
    private func roleFile(_ rolePath: String, _ folder: String) throws -> (Node, Source)? {
        let dir = joinPath(rolePath, folder)
        for name in ["main.yml", "main.yaml", "main"] {
            let path = joinPath(dir, name)
            guard reader.kind(of: path) == .file else { continue }
            let text = try reader.read(path)
            let source = Source(file: path, text: text, baseDirectory: dir, rolePath: rolePath)
            guard let node = try YAMLDocument.parse(text, file: path), !node.isNull else { return nil }
            return (node, source)
        }
        return nil
    }
}
