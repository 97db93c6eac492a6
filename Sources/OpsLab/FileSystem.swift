import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// File writes with exact owner and mode. In an overlay's upper layer a directory's owner and
/// mode replace the lower one's, so every directory created there copies its base counterpart.
enum FileSystem {
    static func write(_ text: String, to path: String, mode: Int = 0o644, owner: (uid: UInt32, gid: UInt32) = (0, 0))
        throws
    {
        try write(Data(text.utf8), to: path, mode: mode, owner: owner)
    }

    static func write(_ data: Data, to path: String, mode: Int = 0o644, owner: (uid: UInt32, gid: UInt32) = (0, 0))
        throws
    {
        let url = URL(fileURLWithPath: path)
        do {
            try data.write(to: url)
        } catch {
            throw LabError.io(operation: "writing", path: path, reason: "\(error)")
        }
        try setOwnerAndMode(path, mode: mode, owner: owner)
    }

    static func makeDirectory(_ path: String, mode: Int = 0o755, owner: (uid: UInt32, gid: UInt32) = (0, 0)) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw LabError.io(operation: "creating directory", path: path, reason: "\(error)")
        }
        try setOwnerAndMode(path, mode: mode, owner: owner)
    }

    /// Creates `relative` (and its parents) under `upper` with the owner and mode each has in `base`.
    static func mirrorDirectories(_ relative: String, base: String, upper: String) throws {
        var current = ""
        for component in relative.split(separator: "/") {
            current += "/" + component
            let info = try status(base + current)
            try makeDirectory(upper + current, mode: Int(info.st_mode & 0o7777), owner: (info.st_uid, info.st_gid))
        }
    }

    static func status(_ path: String) throws -> stat {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw LabError.io(operation: "reading", path: path, reason: String(cString: strerror(errno)))
        }
        return info
    }

    static func setOwnerAndMode(_ path: String, mode: Int, owner: (uid: UInt32, gid: UInt32)) throws {
        guard chown(path, owner.uid, owner.gid) == 0, chmod(path, mode_t(mode)) == 0 else {
            throw LabError.io(
                operation: "setting owner and mode of", path: path, reason: String(cString: strerror(errno)))
        }
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    static func read(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LabError.io(operation: "reading", path: path, reason: "\(error)")
        }
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Mount points at or under `directory`, deepest first so they can be unmounted in order.
    static func mounts(under directory: String) -> [String] {
        guard let text = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return [] }
        let points = text.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { return nil }
            return unescapeMountPath(String(fields[4]))
        }
        return points.filter { $0 == directory || $0.hasPrefix(directory + "/") }
            .sorted { $0.count > $1.count }
    }

    static func isMounted(_ directory: String, source: String) -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 1 && fields[0] == source && unescapeMountPath(String(fields[1])) == directory
        }
    }

    /// mountinfo escapes space, tab, newline and backslash as octal.
    private static func unescapeMountPath(_ path: String) -> String {
        path.replacingOccurrences(of: "\\040", with: " ").replacingOccurrences(of: "\\011", with: "\t")
            .replacingOccurrences(of: "\\012", with: "\n").replacingOccurrences(of: "\\134", with: "\\")
    }

    static func tail(of path: String, lines: Int) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "(no output)" }
        let text = String(decoding: data, as: UTF8.self)
        return CommandRunner.tail(stripTerminalEscapes(text), lines: lines)
    }

    /// The console log is full of colour codes; messages read better without them.
    static func stripTerminalEscapes(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*[A-Za-z]", with: "", options: .regularExpression)
    }
}
