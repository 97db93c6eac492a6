@preconcurrency import Yams

/// Loads a whole playbook — plays, imported task files, roles, static include files, vars
/// files — and checks every module name and argument before any host is contacted.
/// Errors point at file:line:col with the line and a caret, and suggest fixes.
public struct PlaybookLoader {
    let reader: any SourceReader
    let catalog: ModuleCatalog
    /// Extra directories searched for roles after `<playbook dir>/roles` (Ansible's roles_path).
    var rolesPath: [String]

    public init(reader: any SourceReader, catalog: ModuleCatalog, rolesPath: [String] = []) {
        self.reader = reader
        self.catalog = catalog
        self.rolesPath = rolesPath
    }

    /// Where a node lives, for errors: the file and its text.
    struct Source {
        var file: String
        var text: String
        var baseDirectory: String
        var rolePath: String?
        var isHandler = false

        func location(_ node: Node) -> SourceLocation {
            YAMLDocument.location(of: node, file: file) ?? SourceLocation(file: file, line: 1, column: 1)
        }

        func error(_ message: String, _ node: Node) -> InputError {
            InputError(message, at: location(node), in: text)
        }
    }

    public func load(_ path: String) throws -> Playbook {
        var visiting: [String] = []
        return Playbook(path: path, plays: try loadPlays(path, visiting: &visiting))
    }

    private func loadPlays(_ path: String, visiting: inout [String]) throws -> [Play] {
        guard !visiting.contains(path) else {
            throw InputError("import_playbook loop: \((visiting + [path]).joined(separator: " → "))")
        }
        visiting.append(path)
        defer { visiting.removeLast() }
        let text = try reader.read(path)
        let source = Source(file: path, text: text, baseDirectory: directoryOf(path))
        guard let root = try YAMLDocument.parse(text, file: path), !root.isNull else {
            throw InputError("playbook \"\(path)\" is empty: it should be a list of plays")
        }
        guard case .sequence(let items) = root else {
            throw source.error("a playbook must be a list of plays (each starting with `- hosts:`), found \(root.kindName)",
                root)
        }
        var plays: [Play] = []
        for item in items {
            guard case .mapping(let m) = item else {
                throw source.error("each play must be a mapping with at least `hosts:`, found \(item.kindName)", item)
            }
            if let imported = m["import_playbook"] ?? m["ansible.builtin.import_playbook"] {
                guard case .scalar(let s) = imported else {
                    throw source.error("import_playbook takes a file name", imported)
                }
                let target = joinPath(source.baseDirectory, s.string)
                guard reader.exists(target) else {
                    throw source.error("import_playbook: \"\(target)\" does not exist", imported)
                }
                plays += try loadPlays(target, visiting: &visiting)
                continue
            }
            plays.append(try parsePlay(m, node: item, source))
        }
        return plays
    }

    /// An `include_tasks` file whose name was only known at run time.
    public func loadTaskFile(_ name: String, baseDirectory: String, rolePath: String?) throws -> [TaskItem] {
        let source = Source(file: "<include_tasks>", text: name, baseDirectory: baseDirectory, rolePath: rolePath)
        return try loadTaskFile(name, from: Node(name), source)
    }

    /// A vars file (`vars_files`, `include_vars`): a mapping of variables.
    public func readVarsFile(_ path: String) throws -> VariableSet {
        guard reader.kind(of: path) == .file else { throw InputError("vars file \"\(path)\" does not exist") }
        return try InventoryLoader(reader: reader).readVarsFile(path)
    }
}
