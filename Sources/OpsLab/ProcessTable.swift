import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads /proc: which processes exist and what they are. Pid files alone cannot be trusted
/// after a crash (pids are reused), so every pid is checked against its command line.
enum ProcessTable {
    static func allPIDs() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }
    }

    static func commandLine(_ pid: Int32) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else {
            return nil
        }
        return data.split(separator: 0, omittingEmptySubsequences: false).dropLast()
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// Alive and not a zombie: a killed child of ours stays in the table until reaped.
    static func isRunning(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }

    /// The systemd-nspawn processes that boot lab hosts, found by the `--directory` under the
    /// lab's hosts directory, whoever started them. Keyed by pid, valued by machine name.
    static func labContainers(hostsDirectory: String) -> [Int32: String] {
        var found: [Int32: String] = [:]
        for pid in allPIDs() {
            guard let arguments = commandLine(pid), let program = arguments.first,
                program.hasSuffix("systemd-nspawn"), isRunning(pid),
                arguments.contains(where: { $0.hasPrefix("--directory=" + hostsDirectory + "/") })
            else { continue }
            let machine = arguments.first(where: { $0.hasPrefix("--machine=") })?.dropFirst("--machine=".count)
            found[pid] = machine.map(String.init) ?? "?"
        }
        return found
    }

    /// Kills every process working on `path` — its command line or environment names it, or it
    /// is chrooted under it — such as the debootstrap or apt-get a killed `opsctl` left orphaned.
    /// Repeats until none is left, since a dying script may have just spawned a child.
    static func killProcesses(using path: String) {
        let me = getpid()
        for _ in 0..<20 {
            let users = allPIDs().filter { pid in
                guard pid != me, isRunning(pid) else { return false }
                if let arguments = commandLine(pid), arguments.contains(where: { $0.contains(path) }) { return true }
                if let root = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/root"),
                    root == path || root.hasPrefix(path + "/")
                {
                    return true
                }
                if let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ"),
                    String(decoding: environment, as: UTF8.self).contains(path)
                {
                    return true
                }
                return false
            }
            if users.isEmpty { return }
            for pid in users { kill(pid, SIGKILL) }
            Thread.sleep(forTimeInterval: 0.2)
            reapChildren()
        }
    }

    static func anyNspawnRunning() -> Bool {
        allPIDs().contains { pid in
            (commandLine(pid)?.first?.hasSuffix("systemd-nspawn") ?? false) && isRunning(pid)
        }
    }

    /// Reaps our own exited children so they stop counting as running.
    static func reapChildren() {
        var status: Int32 = 0
        while waitpid(-1, &status, WNOHANG) > 0 {}
    }

    static func readPIDFile(_ path: String) -> Int32? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Proportional set size (kB) of one process, from /proc/PID/smaps_rollup.
    static func proportionalKilobytes(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("Pss:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }
}
