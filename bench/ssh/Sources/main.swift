import Foundation
import Logging
import OpsTransport

// Times opsctl's SSH transport for bench/ssh/run: N sequential `/bin/true` over one session,
// then uploads of a file. Prints `key seconds` lines the script puts beside OpenSSH's figures.
// Usage: opsctl-ssh-bench HOST PORT USER KEY KNOWN_HOSTS EXECS UPLOAD_FILE [PARALLEL_HOSTS]

let arguments = CommandLine.arguments
guard arguments.count >= 8, let port = Int(arguments[2]), let execs = Int(arguments[6]) else {
    FileHandle.standardError.write(
        Data("usage: opsctl-ssh-bench HOST PORT USER KEY KNOWN_HOSTS EXECS UPLOAD_FILE\n".utf8))
    exit(2)
}
let settings = ConnectionSettings(
    name: arguments[1], address: arguments[1], port: port, user: arguments[3], identityFiles: [arguments[4]],
    knownHostsFile: arguments[5], connectTimeout: 10)
var logger = Logger(label: "opsctl.bench.ssh")
logger.logLevel = .error

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

do {
    let transport = SSHTransport(settings: settings, logger: logger)
    let connect = try seconds { try transport.connect() }
    print("connect \(connect)")
    let loop = try seconds {
        for _ in 0..<execs {
            let result = try transport.exec(ExecRequest("/bin/true"))
            if result.exitStatus != 0 {
                throw TransportError.io(host: settings.name, operation: "/bin/true", reason: "failed")
            }
        }
    }
    print("execs \(loop)")
    // Three rounds, the ways interleaved, best of each: on a shared machine the minimum is the
    // figure least disturbed by other load.
    let remote = "/tmp/opsctl-bench-upload-\(getpid())"
    let file = arguments[7]
    var best: [String: Double] = [:]
    var sftpError: Error?
    for _ in 0..<3 {
        let ways: [(String, () throws -> Void)] = [
            ("upload", { try transport.upload(file: file, to: remote, mode: 0o600) }),
            ("exec-upload", { try transport.execUpload(file: file, to: remote, mode: 0o600) }),
            ("sftp-upload", { try transport.sftpUpload(file: file, to: remote, mode: 0o600) }),
        ]
        for (name, upload) in ways {
            do {
                let time = try seconds(upload)
                best[name] = min(best[name] ?? .infinity, time)
            } catch {
                // SFTP is measured for comparison only; a host without the subsystem skips it.
                if name != "sftp-upload" { throw error }
                sftpError = error
            }
            _ = try transport.exec(ExecRequest("rm -f \(remote)"))
        }
    }
    for name in ["upload", "exec-upload", "sftp-upload"] {
        if let time = best[name] { print("\(name) \(time)") }
    }
    if let sftpError { FileHandle.standardError.write(Data("SFTP comparison skipped: \(sftpError)\n".utf8)) }
    transport.close()
} catch {
    FileHandle.standardError.write(Data("bench failed: \(error)\n".utf8))
    exit(1)
}
