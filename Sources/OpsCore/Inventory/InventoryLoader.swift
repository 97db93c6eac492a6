/// Loads an inventory from a file or a directory, with the `group_vars/` and `host_vars/`
/// beside it, as `ansible-playbook -i PATH` does. Several sources merge in order.
public struct InventoryLoader {
    let reader: any SourceReader

    public init(reader: any SourceReader) {
        self.reader = reader
    }

    static let yamlExtensions = [".yml", ".yaml", ".json"]
    /// Files in an inventory directory that are not inventory sources (Ansible's ignore list).
    static let ignoredExtensions = [".orig", ".ini~", ".retry", ".pyc", ".pyo", ".cfg", ".md", ".txt", ".key", ".pub"]

    public func load(_ paths: [String]) throws -> Inventory {
        var inventory = Inventory()
        var varDirectories: [String] = []
        for path in paths {
            switch reader.kind(of: path) {
            case .missing:
                throw InputError("inventory \"\(path)\" does not exist")
            case .file:
                try parseSource(path, into: &inventory)
                varDirectories.append(directoryOf(path))
            case .directory:
                var found = false
                for name in try reader.list(path) where isInventorySource(name, in: path) {
                    try parseSource(joinPath(path, name), into: &inventory)
                    found = true
                }
                if !found {
                    throw InputError(
                        "inventory directory \"\(path)\" holds no inventory file (hosts.yml, hosts, inventory.ini, …)")
                }
                varDirectories.append(path)
            }
        }
        inventory.reconcile()
        for directory in varDirectories { try loadVarDirectories(directory, into: &inventory) }
        return inventory
    }

    private func isInventorySource(_ name: String, in directory: String) -> Bool {
        if name.hasPrefix(".") || name == "group_vars" || name == "host_vars" { return false }
        if Self.ignoredExtensions.contains(where: { name.hasSuffix($0) }) || name.hasSuffix("~") { return false }
        // Key files and known_hosts often live next to a generated inventory.
        if name == "known_hosts" || name.hasPrefix("id_") { return false }
        return reader.kind(of: joinPath(directory, name)) == .file
    }

    private func parseSource(_ path: String, into inventory: inout Inventory) throws {
        let text = try reader.read(path)
        if isYAML(path: path, text: text) {
            try YAMLInventoryParser(file: path, text: text).parse(into: &inventory)
        } else {
            try INIInventoryParser(file: path, text: text).parse(into: &inventory)
        }
    }

    /// By extension, else by content: a YAML inventory starts with `name:` at column 1.
    private func isYAML(path: String, text: String) -> Bool {
        if Self.yamlExtensions.contains(where: { path.hasSuffix($0) }) { return true }
        if path.hasSuffix(".ini") { return false }
        for line in text.split(separator: "\n") {
            let t = line.trimmingCharacters(in: " \t\r")
            if t.isEmpty || t.hasPrefix("#") || t.hasPrefix(";") { continue }
            return t == "---" || (t.hasSuffix(":") && !t.hasPrefix("["))
        }
        return false
    }

    private func loadVarDirectories(_ base: String, into inventory: inout Inventory) throws {
        let groupDir = joinPath(base, "group_vars")
        if reader.kind(of: groupDir) == .directory {
            for (name, vars) in try readVarsDirectory(groupDir) {
                guard inventory.group(name) != nil else { continue }
                var merged = inventory.groupVarsFiles[name] ?? VariableSet()
                merged.merge(vars)
                inventory.groupVarsFiles[name] = merged
            }
        }
        let hostDir = joinPath(base, "host_vars")
        if reader.kind(of: hostDir) == .directory {
            for (name, vars) in try readVarsDirectory(hostDir) where inventory.host(name) != nil {
                inventory.setHostVars(name, vars)
            }
        }
    }

    /// `NAME`, `NAME.yml`, `NAME.yaml`, `NAME.json`, or a directory `NAME/` whose files merge in
    /// lexical order.
    private func readVarsDirectory(_ directory: String) throws -> [(String, VariableSet)] {
        var result: [(String, VariableSet)] = []
        for entry in try reader.list(directory) where !entry.hasPrefix(".") {
            let path = joinPath(directory, entry)
            if reader.kind(of: path) == .directory {
                var vars = VariableSet()
                for file in try reader.list(path) where isVarsFile(file) {
                    vars.merge(try readVarsFile(joinPath(path, file)))
                }
                result.append((entry, vars))
            } else if isVarsFile(entry) {
                let name = Self.yamlExtensions.first { entry.hasSuffix($0) }.map { String(entry.dropLast($0.count)) }
                result.append((name ?? entry, try readVarsFile(path)))
            }
        }
        return result
    }

    private func isVarsFile(_ name: String) -> Bool {
        !name.hasPrefix(".") && !name.hasSuffix("~") && !Self.ignoredExtensions.contains { name.hasSuffix($0) }
    }

    public func readVarsFile(_ path: String) throws -> VariableSet {
        let text = try reader.read(path)
        let node = try YAMLDocument.parse(text, file: path)
        return try VariableSet.from(node, file: path, text: text, what: "a vars file")
    }
}
