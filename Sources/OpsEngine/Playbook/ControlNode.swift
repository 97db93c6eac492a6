import Foundation
import Jinja

#if canImport(Glibc)
    import Glibc
#endif

/// Ansible's filters and tests that look at the control node's file system (`realpath`,
/// `expanduser`, `fileglob`, `is file`, `is directory`, …): they live here, not in the pure
/// template engine.
enum ControlNode {
    static let filters: [String: Filter] = {
        var f: [String: Filter] = [:]
        f["expanduser"] = { v, _, _ in .string(expandUser(try v.pythonString())) }
        f["expandvars"] = { v, _, _ in .string(expandVars(try v.pythonString())) }
        f["realpath"] = { v, _, _ in .string(realpath(try v.pythonString())) }
        f["relpath"] = { v, a, _ in
            let start = try a.string(0, "start") ?? FileManager.default.currentDirectoryPath
            return .string(relpath(try v.pythonString(), from: start))
        }
        f["fileglob"] = { v, _, _ in .list(glob(try v.pythonString()).filter(isFile).map { .string($0) }) }
        f["strftime"] = { v, a, _ in
            let seconds: Double
            switch a.get(0, "second") {
            case nil, .none?: seconds = Date().timeIntervalSince1970
            case let s?:
                guard
                    let n = s.doubleValue ?? (s.stringValue.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) })
                else {
                    throw TemplateError(.runtime, "strftime: invalid value for epoch value (\(try s.pythonString()))")
                }
                seconds = n
            }
            let utc = try a.bool(1, "utc", default: false)
            return .string(Strftime.format(try v.pythonString(), epochSeconds: seconds, utc: utc))
        }
        return f
    }()

    static let tests: [String: Test] = {
        var t: [String: Test] = [:]
        t["directory"] = { v, _, _ in isDirectory(try v.pythonString()) }
        t["file"] = { v, _, _ in isFile(try v.pythonString()) }
        t["link"] = { v, _, _ in try kind(v) == .typeSymbolicLink }
        t["exists"] = { v, _, _ in FileManager.default.fileExists(atPath: try v.pythonString()) }
        t["link_exists"] = { v, _, _ in try kind(v) != nil }
        t["same_file"] = { v, a, _ in
            guard let other = a.get(0, "path2") else { throw TemplateError(.type, "same_file needs the other path") }
            var s1 = stat()
            var s2 = stat()
            guard stat(try v.pythonString(), &s1) == 0, stat(try other.pythonString(), &s2) == 0 else {
                throw TemplateError(.runtime, "same_file: no such file")
            }
            return s1.st_dev == s2.st_dev && s1.st_ino == s2.st_ino
        }
        t["mount"] = { v, _, _ in isMount(try v.pythonString()) }
        for (alias, name) in [
            "is_dir": "directory", "is_file": "file", "is_link": "link", "is_same_file": "same_file",
            "is_mount": "mount",
        ] {
            t[alias] = t[name]
        }
        return t
    }()

    /// The entry's own type (a symlink is a link, not its target); nil when nothing is there.
    static func kind(_ v: Value) throws -> FileAttributeType? {
        let attrs = try? FileManager.default.attributesOfItem(atPath: try v.pythonString())
        return attrs?[.type] as? FileAttributeType
    }

    static func isFile(_ path: String) -> Bool {
        var dir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && !dir.boolValue
    }

    static func isDirectory(_ path: String) -> Bool {
        var dir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && dir.boolValue
    }

    /// `os.path.ismount`: a directory on another device than its parent, or the same inode (`/`).
    static func isMount(_ path: String) -> Bool {
        var s = stat()
        var parent = stat()
        guard lstat(path, &s) == 0, (s.st_mode & S_IFMT) == S_IFDIR else { return false }
        guard stat(path + "/..", &parent) == 0 else { return false }
        return s.st_dev != parent.st_dev || s.st_ino == parent.st_ino
    }

    /// `os.path.expanduser` for the current user (`~`, `~/x`); `~other` is left alone unless known.
    static func expandUser(_ path: String) -> String {
        guard path.hasPrefix("~") else { return path }
        let rest = path.dropFirst()
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let user = String(rest[..<slash])
        let home: String
        if user.isEmpty {
            home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        } else {
            guard let pw = getpwnam(user), let dir = pw.pointee.pw_dir else { return path }
            home = String(cString: dir)
        }
        let trimmed = home.count > 1 && home.hasSuffix("/") ? String(home.dropLast()) : home
        return (trimmed.isEmpty ? "/" : trimmed) + rest[slash...]
    }

    /// `os.path.expandvars`: `$NAME` and `${NAME}` when set; unknown ones stay as written.
    static func expandVars(_ s: String) -> String {
        guard s.contains("$") else { return s }
        let env = ProcessInfo.processInfo.environment
        let chars = Array(s)
        var out = ""
        var i = 0
        func isName(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_") }
        while i < chars.count {
            guard chars[i] == "$", i + 1 < chars.count else {
                out.append(chars[i])
                i += 1
                continue
            }
            if chars[i + 1] == "{", let close = chars[(i + 2)...].firstIndex(of: "}") {
                let name = String(chars[(i + 2)..<close])
                if let v = env[name] { out += v } else { out += String(chars[i...close]) }
                i = close + 1
            } else {
                var j = i + 1
                while j < chars.count && isName(chars[j]) { j += 1 }
                let name = String(chars[(i + 1)..<j])
                if !name.isEmpty, let v = env[name] { out += v } else { out += String(chars[i..<j]) }
                i = j
            }
        }
        return out
    }

    static func absolute(_ path: String) -> String {
        PosixPath.normpath(
            path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path)
    }

    static func realpath(_ path: String) -> String {
        let abs = absolute(path)
        guard let resolved = Foundation.realpath(abs, nil) else { return abs }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func relpath(_ path: String, from start: String) -> String {
        let a = absolute(path).split(separator: "/")
        let b = absolute(start).split(separator: "/")
        var n = 0
        while n < a.count && n < b.count && a[n] == b[n] { n += 1 }
        let parts = Array(repeating: "..", count: b.count - n) + a[n...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// Shell-style pattern matching of paths (`glob(3)`), sorted.
    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
    }

    /// Runs `command` with /bin/sh on the control node; its stdout (stderr passes through to ours).
    static func shell(_ command: String, in directory: String) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        p.standardOutput = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
