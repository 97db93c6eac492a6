import Foundation
import Logging
import OpsTransport

// Times opsctl's SSH transport for bench/ssh/run, which alternates its runs with OpenSSH's so
// both see the same machine load. Prints `key seconds` lines:
//   execs        (WHAT=execs) every host runs EXECS sequential `/bin/true` over its one session,
//                hosts in parallel
//   upload       (WHAT=upload) UPLOAD_FILE to every host at once (what `upload(file:)` does)
//   exec-upload, sftp-upload   the two ways of moving the bytes, to the first host alone
// Usage: opsctl-ssh-bench HOST[:PORT][,HOST[:PORT]...] DEFAULT_PORT USER KEY KNOWN_HOSTS EXECS UPLOAD_FILE WHAT

let arguments = CommandLine.arguments
guard arguments.count >= 9, let defaultPort = Int(arguments[2]), let execs = Int(arguments[6]) else {
    FileHandle.standardError.write(
        Data(
            "usage: opsctl-ssh-bench HOST[:PORT][,...] PORT USER KEY KNOWN_HOSTS EXECS UPLOAD_FILE execs|upload\n".utf8)
    )
    exit(2)
}
let file = arguments[7]
let what = arguments[8]
let hosts: [ConnectionSettings] = arguments[1].split(separator: ",").map { entry in
    let parts = entry.split(separator: ":")
    let address = String(parts[0])
    let port = parts.count > 1 ? Int(parts[1]) ?? defaultPort : defaultPort
    return ConnectionSettings(
        name: "\(address):\(port)", address: address, port: port, user: arguments[3], identityFiles: [arguments[4]],
        knownHostsFile: arguments[5], connectTimeout: 10)
}
var logger = Logger(label: "opsctl.bench.ssh")
logger.logLevel = .error

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Runs `body` for every transport on its own thread (as the engine fans out) and rethrows a failure.
/// One Thread per host, not concurrentPerform: that caps at the core count, and these threads
/// mostly wait on the network.
func onEveryHost(_ transports: [SSHTransport], _ body: @escaping (SSHTransport) throws -> Void) throws {
    let failures = FirstFailure()
    let group = DispatchGroup()
    for transport in transports {
        group.enter()
        Thread {
            do {
                try body(transport)
            } catch {
                failures.record(error)
            }
            group.leave()
        }.start()
    }
    group.wait()
    if let failure = failures.error { throw failure }
}

final class FirstFailure: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var error: Error?

    func record(_ error: Error) {
        lock.lock()
        self.error = self.error ?? error
        lock.unlock()
    }
}

do {
    let transports = hosts.map { SSHTransport(settings: $0, logger: logger) }
    print("connect \(try seconds { try onEveryHost(transports) { try $0.connect() } })")
    if what == "execs" {
        let loop = try seconds {
            try onEveryHost(transports) { transport in
                for _ in 0..<execs {
                    let result = try transport.exec(ExecRequest("/bin/true"))
                    if result.exitStatus != 0 {
                        throw TransportError.io(host: transport.hostName, operation: "/bin/true", reason: "failed")
                    }
                }
            }
        }
        print("execs \(loop)")
    } else {
        let remote = "/tmp/opsctl-bench-upload-\(getpid())"
        let first = transports[0]
        let ways: [(String, () throws -> Void)] = [
            ("upload", { try onEveryHost(transports) { try $0.upload(file: file, to: remote, mode: 0o600) } }),
            ("exec-upload", { try first.execUpload(file: file, to: remote, mode: 0o600) }),
            ("sftp-upload", { try first.sftpUpload(file: file, to: remote, mode: 0o600) }),
        ]
        // One untimed upload first: the first bulk transfer of a connection is slower (TCP buffers
        // still growing), and OpenSSH's figures come from an already-used ControlMaster connection.
        try onEveryHost(transports) { try $0.upload(file: file, to: remote, mode: 0o600) }
        for (name, upload) in ways {
            do {
                print("\(name) \(try seconds(upload))")
            } catch {
                // SFTP is measured for comparison only; a host without the subsystem skips it.
                if name != "sftp-upload" { throw error }
                FileHandle.standardError.write(Data("SFTP comparison skipped: \(error)\n".utf8))
            }
            try onEveryHost(transports) { _ = try $0.exec(ExecRequest("rm -f \(remote)")) }
        }
    }
    transports.forEach { $0.close() }
} catch {
    FileHandle.standardError.write(Data("bench failed: \(error)\n".utf8))
    exit(1)
}
