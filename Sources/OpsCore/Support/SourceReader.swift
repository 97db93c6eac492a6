/// The core's only window on files: it asks, the caller reads. Keeps the core free of I/O so
/// it can be fed from disk, from memory in tests, or from an archive.
public protocol SourceReader {
    /// The file's text. Throws when it cannot be read.
    func read(_ path: String) throws -> String
    /// What is at `path`: a file, a directory, or nothing.
    func kind(of path: String) -> SourceKind
    /// Entry names (not paths) of a directory, sorted.
    func list(_ directory: String) throws -> [String]
}

public enum SourceKind: Sendable, Equatable {
    case file, directory, missing
}

extension SourceReader {
    public func exists(_ path: String) -> Bool { kind(of: path) != .missing }
}

/// Joins path components the way a shell user expects ("dir" + "file" → "dir/file").
public func joinPath(_ base: String, _ name: String) -> String {
    if name.hasPrefix("/") || base.isEmpty { return name }
    return base.hasSuffix("/") ? base + name : base + "/" + name
}

/// The directory part of a path ("a/b/c.yml" → "a/b", "c.yml" → ".").
public func directoryOf(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
}
