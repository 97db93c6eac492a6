import OpsCore

/// Files held in memory: the pure core reads through `SourceReader`, so tests hand it text
/// directly instead of writing temporary trees.
struct MemoryReader: SourceReader {
    var files: [String: String]

    func read(_ path: String) throws -> String {
        guard let text = files[path] else { throw InputError("cannot read \"\(path)\": no such file") }
        return text
    }

    func kind(of path: String) -> SourceKind {
        if files[path] != nil { return .file }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        return files.keys.contains { $0.hasPrefix(prefix) } ? .directory : .missing
    }

    func list(_ directory: String) throws -> [String] {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        let names = files.keys.filter { $0.hasPrefix(prefix) }.map {
            String($0.dropFirst(prefix.count).split(separator: "/").first!)
        }
        return Array(Set(names)).sorted()
    }
}

func load(_ files: [String: String], _ paths: [String] = ["inv"]) throws -> Inventory {
    try InventoryLoader(reader: MemoryReader(files: files)).load(paths)
}
