import Foundation

/// Ansible's path filters that only compute on strings (`path_join`, `normpath`, `commonpath`, the
/// `win_*` ones), with Python's `posixpath`/`ntpath` rules. Filters that read the control node's
/// file system (`realpath`, `expanduser`, `fileglob`) belong to the playbook engine.
extension AnsibleFilters {
    static let paths: [String: Filter] = {
        var f: [String: Filter] = [:]
        f["path_join"] = { v, _, _ in
            switch v {
            case .string(let s): return .string(s)
            case .list(let parts), .tuple(let parts): return .string(join(try parts.map { try $0.pythonString() }))
            default: throw TemplateError.type("path_join expects a string or a list of strings, got \(v.typeName)")
            }
        }
        f["normpath"] = { v, _, _ in .string(normpath(try v.pythonString())) }
        f["commonpath"] = { v, _, _ in
            guard let list = v.listValue else {
                throw TemplateError.type("commonpath expects a list of paths, got \(v.typeName)")
            }
            return .string(try commonpath(try list.map { try $0.pythonString() }))
        }
        f["win_basename"] = { v, _, _ in .string(windowsSplit(try v.pythonString()).tail) }
        f["win_dirname"] = { v, _, _ in .string(windowsSplit(try v.pythonString()).head) }
        f["win_splitdrive"] = { v, _, _ in
            let (drive, rest) = windowsSplitDrive(try v.pythonString())
            return .tuple([.string(drive), .string(rest)])
        }
        return f
    }()

    /// `os.path.join`: an absolute part restarts the path.
    static func join(_ parts: [String]) -> String {
        var out = ""
        for p in parts {
            if p.hasPrefix("/") {
                out = p
            } else if out.isEmpty || out.hasSuffix("/") {
                out += p
            } else {
                out += "/" + p
            }
        }
        return out
    }

    /// `posixpath.normpath`: exactly two leading slashes are kept (POSIX leaves `//` to the system).
    static func normpath(_ path: String) -> String {
        if path.isEmpty { return "." }
        let leading = path.prefix { $0 == "/" }.count
        let root = leading == 2 ? "//" : (leading > 0 ? "/" : "")
        var parts: [Substring] = []
        for comp in path.split(separator: "/", omittingEmptySubsequences: true) where comp != "." {
            if comp != ".." || (root.isEmpty && (parts.isEmpty || parts.last == "..")) {
                parts.append(comp)
            } else if !parts.isEmpty {
                parts.removeLast()
            }
        }
        let joined = root + parts.joined(separator: "/")
        return joined.isEmpty ? "." : joined
    }

    /// `posixpath.commonpath`: the longest common sub-path, by whole components.
    static func commonpath(_ paths: [String]) throws -> String {
        guard let first = paths.first else { throw TemplateError.runtime("commonpath() arg is an empty sequence") }
        let absolute = first.hasPrefix("/")
        guard paths.allSatisfy({ $0.hasPrefix("/") == absolute }) else {
            throw TemplateError.runtime("commonpath: can't mix absolute and relative paths")
        }
        let split = paths.map { $0.split(separator: "/").filter { $0 != "." } }
        var common = split[0]
        for comps in split.dropFirst() {
            var n = 0
            while n < common.count && n < comps.count && common[n] == comps[n] { n += 1 }
            common = Array(common.prefix(n))
        }
        return (absolute ? "/" : "") + common.joined(separator: "/")
    }

    private static func isWindowsSeparator(_ c: Character) -> Bool { c == "/" || c == "\\" }

    /// `ntpath.splitdrive` (Python 3.11): `C:`, or a UNC `\\server\share` prefix.
    static func windowsSplitDrive(_ p: String) -> (String, String) {
        let chars = Array(p)
        guard chars.count >= 2 else { return ("", p) }
        if isWindowsSeparator(chars[0]) && isWindowsSeparator(chars[1]) {
            let upper = String(chars.prefix(8)).uppercased().replacingOccurrences(of: "/", with: "\\")
            let start = upper == "\\\\?\\UNC\\" ? 8 : 2
            guard start < chars.count, let server = chars[start...].firstIndex(where: isWindowsSeparator) else {
                return ("", p)
            }
            let share = chars[(server + 1)...].firstIndex(where: isWindowsSeparator) ?? chars.count
            return (String(chars[..<share]), String(chars[share...]))
        }
        if chars[1] == ":" { return (String(chars[..<2]), String(chars[2...])) }
        return ("", p)
    }

    /// `ntpath.split`: the directory (trailing separators removed unless it is all separators) and the name.
    static func windowsSplit(_ path: String) -> (head: String, tail: String) {
        let (drive, rest) = windowsSplitDrive(path)
        let chars = Array(rest)
        var i = chars.count
        while i > 0 && !isWindowsSeparator(chars[i - 1]) { i -= 1 }
        var head = String(chars[..<i])
        let tail = String(chars[i...])
        let stripped = String(head.reversed().drop(while: isWindowsSeparator).reversed())
        if !stripped.isEmpty { head = stripped }
        return (drive + head, tail)
    }
}

/// Python's `posixpath` helpers for the playbook engine's control-node filters.
public enum PosixPath {
    /// `posixpath.normpath`.
    public static func normpath(_ path: String) -> String { AnsibleFilters.normpath(path) }
}
