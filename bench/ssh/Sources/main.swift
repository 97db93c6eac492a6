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
    let remote = "/tmp/opsctl-bench-upload-\(getpid())"
    let upload = try seconds { try transport.upload(file: arguments[7], to: remote, mode: 0o600) }
    print("upload \(upload)")
    _ = try transport.exec(ExecRequest("rm -f \(remote)"))
    // The two ways upload can move bytes, each alone, to show why it picks one.
    let viaExec = try seconds { try transport.execUpload(file: arguments[7], to: remote, mode: 0o600) }
    print("exec-upload \(viaExec)")
    _ = try transport.exec(ExecRequest("rm -f \(remote)"))
    do {
        let sftp = try seconds { try transport.sftpUpload(file: arguments[7], to: remote, mode: 0o600) }
        print("sftp-upload \(sftp)")
        _ = try transport.exec(ExecRequest("rm -f \(remote)"))
    } catch {
        FileHandle.standardError.write(Data("SFTP comparison skipped: \(error)\n".utf8))
    }
    transport.close()
} catch {
    FileHandle.standardError.write(Data("bench failed: \(error)\n".utf8))
    exit(1)
}
