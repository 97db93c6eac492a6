import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a long-lived program that must outlive `opsctl`: in its own session (so a Ctrl-C or
/// hang-up of the terminal that ran `lab up` does not reach it), stdin from /dev/null, stdout and
/// stderr appended to a log file. Returns its pid; the caller records it.
enum BackgroundProcess {
    /// glibc's POSIX_SPAWN_SETSID; Swift does not import it because it is behind __USE_GNU.
    private static let spawnSetSID: Int16 = 0x80

    static func start(_ command: ShellCommand, executable: String, logFile: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, spawnSetSID)

        var argv: [UnsafeMutablePointer<CChar>?] = command.arguments.map { strdup($0) }
        argv.append(nil)
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw LabError.commandFailed(
                command: command.description, status: -1, output: String(cString: strerror(result)))
        }
        return pid
    }
}
