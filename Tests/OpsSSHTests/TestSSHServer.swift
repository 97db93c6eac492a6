import Foundation
import Logging
import OpsTransport
import XCTest

/// A real OpenSSH server on 127.0.0.1:<free port>, with its own host key and an authorized
/// client key, all in a temporary directory; stopped by `stop()` (call it in tearDown).
final class TestSSHServer {
    let directory: URL
    let port: Int
    let hostKeyType: String
    let pidFile: String
    let clientKey: String
    let knownHosts: String
    let logFile: String
    /// The host's public key line (`ssh-ed25519 AAAA...`).
    let hostPublicKey: String
    /// Public key lines of the extra host keys, by type.
    var extraHostPublicKeys: [String: String] = [:]

    /// - Parameter listenAddress: where sshd listens; with `netns`, sshd runs inside that namespace.
    init(
        hostKeyType: String = "ed25519", listenAddress: String = "127.0.0.1", netns: String? = nil,
        extraConfig: String = "", extraHostKeyTypes: [String] = []
    ) throws {
        try Self.requireTools()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("opsctl-sshd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Other users (the sudo test user) must reach authorized_keys.
        chmod(directory.path, 0o755)
        self.hostKeyType = hostKeyType
        let path = directory.path
        try Self.run("/usr/bin/ssh-keygen", ["-q", "-t", hostKeyType, "-N", "", "-f", "\(path)/host_key"])
        try Self.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", "\(path)/client_key"])
        clientKey = "\(path)/client_key"
        let clientPublic = try String(contentsOfFile: "\(path)/client_key.pub", encoding: .utf8)
        try clientPublic.write(toFile: "\(path)/authorized_keys", atomically: true, encoding: .utf8)
        chmod("\(path)/authorized_keys", 0o644)
        port = try Self.freePort()
        let publicLine = try String(contentsOfFile: "\(path)/host_key.pub", encoding: .utf8)
        hostPublicKey = publicLine.split(separator: " ").prefix(2).joined(separator: " ")
        knownHosts = "\(path)/known_hosts"
        try "[\(listenAddress)]:\(port) \(hostPublicKey)\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
        logFile = "\(path)/sshd.log"
        var extraKeys = ""
        for type in extraHostKeyTypes {
            try Self.run("/usr/bin/ssh-keygen", ["-q", "-t", type, "-N", "", "-f", "\(path)/host_key_\(type)"])
            let line = try String(contentsOfFile: "\(path)/host_key_\(type).pub", encoding: .utf8)
            extraHostPublicKeys[type] = line.split(separator: " ").prefix(2).joined(separator: " ")
            extraKeys += "HostKey \(path)/host_key_\(type)\n"
        }
        // sshd takes the first value of a keyword: extra settings go first to override ours.
        let config = """
            \(extraConfig)
            Port \(port)
            ListenAddress \(listenAddress)
            HostKey \(path)/host_key
            \(extraKeys)
            PidFile \(path)/sshd.pid
            AuthorizedKeysFile \(path)/authorized_keys
            StrictModes no
            UsePAM no
            PermitRootLogin yes
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            AllowTcpForwarding yes
            MaxSessions 100
            MaxStartups 100
            Subsystem sftp /usr/lib/openssh/sftp-server
            LogLevel ERROR
            """
        try config.write(toFile: "\(path)/sshd_config", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)

        // sshd daemonizes (no -D): a long-running child would stall Foundation's Process, whose
        // reaper blocks in wait4 on it, for every later tool the tests run.
        pidFile = "\(path)/sshd.pid"
        let command = ["/usr/sbin/sshd", "-f", "\(path)/sshd_config", "-E", logFile]
        if let netns {
            try Self.run("/usr/sbin/ip", ["netns", "exec", netns] + command)
        } else {
            try Self.run(command[0], Array(command.dropFirst()))
        }
        try waitUntilListening(address: listenAddress, netns: netns)
    }

    var pid: Int32? {
        (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    func stop() {
        if let pid {
            kill(pid, SIGTERM)
            // sshd removes its pid file on exit: wait for that before deleting the directory.
            for _ in 0..<100 where FileManager.default.fileExists(atPath: pidFile) { usleep(20_000) }
        }
        _ = try? Self.run("/bin/rm", ["-rf", directory.path])
    }

    /// Settings that reach this server as `user` with the generated key.
    func settings(name: String = "testhost", user: String = "root", address: String = "127.0.0.1")
        -> ConnectionSettings
    {
        ConnectionSettings(
            name: name, address: address, port: port, user: user, identityFiles: [clientKey],
            knownHostsFile: knownHosts, connectTimeout: 5, keepaliveInterval: 5)
    }

    static var logger: Logger {
        var logger = Logger(label: "opsctl.test.ssh")
        logger.logLevel = ProcessInfo.processInfo.environment["OPSCTL_TEST_DEBUG"] != nil ? .debug : .error
        return logger
    }

    private func waitUntilListening(address: String, netns: String?) throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let script = "exec 3<>/dev/tcp/\(address)/\(port)"
            let probe =
                netns == nil
                ? try? Self.run("/bin/bash", ["-c", script])
                : try? Self.run("/usr/sbin/ip", ["netns", "exec", netns!, "/bin/bash", "-c", script])
            if probe != nil { return }
            usleep(50_000)
        }
        let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        throw TestSetupError("sshd did not start on \(address):\(port): \(log)")
    }

    static func requireTools() throws {
        for tool in ["/usr/sbin/sshd", "/usr/bin/ssh-keygen"] where !FileManager.default.isExecutableFile(atPath: tool)
        {
            throw TestSetupError("\(tool) is missing: apt-get install -y openssh-server openssh-client")
        }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else { throw TestSetupError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs a tool, returning stdout; throws with its stderr when it fails.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], stdin: Data? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestSetupError(
                "\(tool) \(arguments.joined(separator: " ")) failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// In CI a missing prerequisite fails the test; elsewhere it skips with the reason.
/// A test case with a server of its own and a transport to it, both stopped after each test.
class SSHServerTestCase: XCTestCase {
    var server: TestSSHServer!
    var transport: SSHTransport!

    override func setUpWithError() throws {
        server = try TestSSHServer()
        transport = SSHTransport(settings: server.settings(), logger: TestSSHServer.logger)
    }

    override func tearDown() {
        transport?.close()
        server?.stop()
    }
}

func requirePrerequisite(_ condition: Bool, _ what: String) throws {
    if condition { return }
    if ProcessInfo.processInfo.environment["CI"] == "true" {
        XCTFail("prerequisite missing in CI: \(what)")
        throw TestSetupError(what)
    }
    throw XCTSkip(what)
}
