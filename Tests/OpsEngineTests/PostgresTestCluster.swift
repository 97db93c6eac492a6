import Foundation
import XCTest

/// A private PostgreSQL server for the postgresql_* module tests, set up the way a Debian host
/// is: run by the `postgres` OS user, peer authentication on a Unix socket (here in a temporary
/// directory), scram-sha-256 on TCP (loopback, a free port) so tests can log in with the
/// passwords the modules set, and every statement logged so tests can check that no plaintext
/// password ever reaches the server. Needs root (the modules use `become_user: postgres`) and
/// the `postgresql` package: without them the tests skip, or fail under CI=true.
final class PostgresTestCluster {
    let directory: String
    let port: Int
    private let bin: String

    var dataDirectory: String { directory + "/data" }
    var logFile: String { directory + "/server.log" }

    static func start() throws -> PostgresTestCluster {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init)
        let bin = versions.sorted(by: >).map { "\(root)/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }
        var missing: String?
        if bin == nil { missing = "PostgreSQL server binaries not found (apt-get install -y postgresql)" }
        if getuid() != 0 { missing = "the postgresql_* module tests need root (they become the postgres user)" }
        if let missing {
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw ClusterError("CI=true: \(missing)") }
            throw XCTSkip(missing)
        }
        return try PostgresTestCluster(bin: bin!)
    }

    private init(bin: String) throws {
        self.bin = bin
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("opsctl-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.spawn("/bin/chown", ["postgres:postgres", directory])
        port = try Self.freePort()
        try asPostgres(
            "initdb",
            ["-D", dataDirectory, "-U", "postgres", "--auth-local=peer", "--auth-host=scram-sha-256", "--no-sync",
             "-E", "UTF8", "--locale=C.UTF-8"])
        let options = "-p \(port) -h 127.0.0.1 -k \(directory) -c fsync=off -c log_statement=all"
        try asPostgres("pg_ctl", ["-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "-o", options, "start"])
    }

    func stop() {
        _ = try? asPostgres("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs SQL as the superuser (through the socket, as `postgres`) and returns psql's unaligned output.
    @discardableResult
    func sql(_ statement: String, database: String = "postgres") throws -> String {
        try asPostgres(
            "psql",
            ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", "\(port)", "-U", "postgres",
             "-d", database, "-c", statement]
        ).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether `user` can log in over TCP with `password` (scram-sha-256 checks it).
    func canLogin(_ user: String, password: String) -> Bool {
        setenv("PGPASSWORD", password, 1)
        defer { unsetenv("PGPASSWORD") }
        let out = try? Self.spawn(
            "\(bin)/psql", ["-X", "-A", "-t", "-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d", "postgres",
                            "-w", "-c", "SELECT 'logged-in'"])
        return out?.contains("logged-in") ?? false
    }

    var serverLog: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    /// From `/`: the test's working directory may be closed to the postgres user.
    @discardableResult
    private func asPostgres(_ tool: String, _ args: [String]) throws -> String {
        try Self.spawn(
            "/usr/sbin/runuser",
            ["-u", "postgres", "--", "/bin/sh", "-c", "cd / && exec \"$0\" \"$@\"", "\(bin)/\(tool)"] + args)
    }

    /// posix_spawn + waitpid: Foundation's Process waits for every holder of its pipes, and the
    /// server `pg_ctl start` leaves behind holds them for good.
    @discardableResult
    static func spawn(_ executable: String, _ args: [String]) throws -> String {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pgcmd-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else { throw ClusterError("cannot run \(executable): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self)
        guard status & 0x7f == 0 && (status >> 8) & 0xff == 0 else {
            throw ClusterError("\(executable) \(args.joined(separator: " ")) failed (status \(status)): \(text)")
        }
        return text
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClusterError("socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        guard ok else { throw ClusterError("bind() failed") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

struct ClusterError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
