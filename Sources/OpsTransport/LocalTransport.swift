import Foundation
import Logging
import OpsCore

/// Runs commands on the control machine itself (`ansible_connection: local`): `/bin/sh -c`,
/// with the same results and errors as a remote host.
public final class LocalTransport: Transport {
    public let hostName: String
    private let logger: Logger

    public init(hostName: String, logger: Logger) {
        self.hostName = hostName
        self.logger = logger
    }

    public func connect() throws {}
    public func close() {}

    public func exec(_ request: ExecRequest) throws -> CommandResult {
        let started = DispatchTime.now()
        let process = Process()
        // Foundation starts the child as a process-group leader, so a timeout can kill the whole
        // tree (kill -PGID) and no orphan keeps our pipes open.
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", request.command]
        let stdinPipe = Pipe(), stdoutPipe = Pipe(), stderrPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        // Woken at the exit, rather than polling for it: a poll interval would add to every command.
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        logger.debug("local exec", metadata: ["host": "\(hostName)", "command": "\(request.command)"])
        do { try process.run() } catch {
            throw TransportError.io(host: hostName, operation: "exec \(request.command)", reason: "\(error)")
        }
        // Readers and the stdin writer run concurrently so neither side can fill a pipe and stall.
        let group = DispatchGroup()
        let out = OutputBuffer(), err = OutputBuffer()
        for (pipe, buffer, callback) in [(stdoutPipe, out, request.onStdout), (stderrPipe, err, request.onStderr)] {
            group.enter()
            DispatchQueue.global().async {
                let handle = pipe.fileHandleForReading
                while case let chunk = handle.availableData, !chunk.isEmpty {
                    buffer.data.append(chunk)
                    callback?(chunk)
                }
                group.leave()
            }
        }
        // Local sudo reads the password from stdin ahead of the command's own input.
        let input = request.prompt?.answer.map { $0 + (request.stdin ?? Data()) } ?? request.stdin
        DispatchQueue.global().async {
            if let input, !input.isEmpty {
                // A command may exit without reading its input (a file script that found nothing
                // to change): the write must fail with EPIPE, not kill us with SIGPIPE.
                Self.withoutSIGPIPE { try? stdinPipe.fileHandleForWriting.write(contentsOf: input) }
            }
            try? stdinPipe.fileHandleForWriting.close()
        }
        var timedOut = false
        if let timeout = request.timeout, exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(-process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        group.wait()
        if timedOut {
            throw TransportError.timeout(host: hostName, command: request.command, seconds: request.timeout!)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        if let marker = request.prompt?.readyMarker {
            // The become wrapper's first line proves sudo let the command start.
            let line = Data((marker + "\n").utf8)
            if out.data.starts(with: line) {
                out.data.removeFirst(line.count)
            } else if process.terminationStatus != 0 {
                throw TransportError.become(host: hostName, reason: request.prompt!.explainFailure(err.data.isEmpty ? "" : String(decoding: err.data, as: UTF8.self)))
            }
        }
        let signalled = process.terminationReason == .uncaughtSignal
        return CommandResult(
            exitStatus: signalled ? -1 : process.terminationStatus,
            exitSignal: signalled ? LocalTransport.signalName(process.terminationStatus) : nil,
            stdout: out.data, stderr: err.data, duration: seconds)
    }

    public func upload(_ data: Data, to remotePath: String, mode: Int) throws {
        try atomicWrite(remotePath, mode: mode) { try data.write(to: URL(fileURLWithPath: $0)) }
    }

    public func upload(file localPath: String, to remotePath: String, mode: Int) throws {
        try atomicWrite(remotePath, mode: mode) { temp in
            try FileManager.default.copyItem(atPath: localPath, toPath: temp)
        }
    }

    public func download(_ remotePath: String) throws -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: remotePath)) } catch {
            throw TransportError.io(host: hostName, operation: "read \(remotePath)", reason: "\(error)")
        }
    }

    /// Writes next to the destination, sets the mode, then renames: a reader sees the old file or
    /// the whole new one, never half.
    private func atomicWrite(_ path: String, mode: Int, _ write: (String) throws -> Void) throws {
        let temp = directoryOf(path) + "/.opsctl-tmp-\(UUID().uuidString)"
        do {
            try write(temp)
            guard chmod(temp, mode_t(mode)) == 0, rename(temp, path) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        } catch {
            unlink(temp)
            throw TransportError.io(host: hostName, operation: "write \(path)", reason: "\(error)")
        }
    }

    /// Runs `body` with SIGPIPE blocked on this thread (where a write to a closed pipe raises
    /// it), then discards one it raised: a library must not change the process's disposition.
    static func withoutSIGPIPE(_ body: () -> Void) {
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        body()
        var pending = sigset_t()
        if sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1 {
            var now = timespec()
            _ = sigtimedwait(&pipeSignal, nil, &now)
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
    }

    static func signalName(_ number: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "HUP", SIGINT: "INT", SIGQUIT: "QUIT", SIGILL: "ILL", SIGABRT: "ABRT", SIGKILL: "KILL",
            SIGSEGV: "SEGV", SIGPIPE: "PIPE", SIGALRM: "ALRM", SIGTERM: "TERM", SIGUSR1: "USR1", SIGUSR2: "USR2",
        ]
        return names[number] ?? "SIG\(number)"
    }
}

/// Output collected by one reader thread; read only after that thread is done.
private final class OutputBuffer: @unchecked Sendable {
    var data = Data()
}
