import Foundation
import OpsCore

/// Feeds the pure core from the local file system.
public struct DiskSourceReader: SourceReader {
    public init() {}

    public func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError("cannot read \"\(path)\": \(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError("\"\(path)\" is not UTF-8 text")
        }
        return text
    }

    public func kind(of path: String) -> SourceKind {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
        return isDirectory.boolValue ? .directory : .file
    }

    public func list(_ directory: String) throws -> [String] {
        do { return try FileManager.default.contentsOfDirectory(atPath: directory).sorted() } catch {
            throw InputError("cannot list \"\(directory)\": \(error.localizedDescription)")
        }
    }
}
