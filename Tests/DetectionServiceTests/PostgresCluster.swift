import Foundation
import XCTest

/// A private PostgreSQL server for the tests: `initdb` into a temporary directory (as the
/// `postgres` user when running as root, since the server refuses to run as root), started on a
/// free loopback port, stopped by the test class's `tearDown`. Needs the `postgresql` package; when
/// it is missing the tests skip, except under CI=true where they fail.
final class PostgresCluster: @unchecked Sendable {
    let dataDirectory: String
    let port: Int
    let binDirectory: String
    private let runAsPostgres: Bool
    private var counter = 0
    private let lock = NSLock()

    static func start() throws -> PostgresCluster {
        guard let bin = findBinDirectory() else {
            let message = "PostgreSQL server binaries not found (apt-get install -y postgresql)"
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                throw TestFailure("CI=true: \(message)")
            }
            throw XCTSkip(message)
        }
        return try PostgresCluster(bin: bin)
    }

    private init(bin: String) throws {
        binDirectory = bin
        runAsPostgres = getuid() == 0
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pg-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        dataDirectory = dir + "/data"
        if runAsPostgres {
            try Self.run("/bin/chown", ["postgres:postgres", dir])
        }
        port = try freeLoopbackPort()
        try pg("initdb", ["-D", dataDirectory, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
        try pg(
            "pg_ctl",
            [
                "-D", dataDirectory, "-l", dir + "/server.log", "-w", "-t", "60", "-o",
                "-p \(port) -h 127.0.0.1 -k \(dir) -c fsync=off -c synchronous_commit=off -c max_connections=200",
                "start",
            ])
    }

    /// A fresh, empty database for one test.
    func createDatabase() throws -> String {
        lock.lock()
        counter += 1
        let name = "detection_test_\(counter)"
        lock.unlock()
        try psql("CREATE DATABASE \(name)")
        return name
    }

    func url(database: String) -> String {
        "postgres://postgres@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    func psql(_ sql: String, database: String = "postgres") throws {
        try pg(
            "psql",
            ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-qc", sql])
    }

    func stop() {
        try? pg("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: (dataDirectory as NSString).deletingLastPathComponent)
    }

    private func pg(_ tool: String, _ args: [String]) throws {
        let path = "\(binDirectory)/\(tool)"
        if runAsPostgres {
            try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + args)
        } else {
            try Self.run(path, args)
        }
    }

    /// Runs a command to completion with posix_spawn + waitpid. Foundation's `Process` is not used:
    /// it waits for every inheritor of a private descriptor to exit, and `pg_ctl start` leaves
    /// the server running with it, so `waitUntilExit` would never return.
    @discardableResult
    static func run(_ executable: String, _ args: [String]) throws -> String {
        let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("cmd-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else { throw TestFailure("cannot run \(executable): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            throw TestFailure("\(executable) \(args.joined(separator: " ")) failed (status \(status)): \(text)")
        }
        return text
    }

    private static func findBinDirectory() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for v in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(v)/bin/initdb") {
            return "\(root)/\(v)/bin"
        }
        return nil
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A port nothing listens on right now (the kernel picks it; the race with other processes is
/// acceptable on a test machine).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket() failed") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
        }
    }
    guard bound else { throw TestFailure("bind() failed") }
    return Int(UInt16(bigEndian: addr.sin_port))
}
