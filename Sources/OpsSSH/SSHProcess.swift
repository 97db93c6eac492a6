import CLibSSH2
import Foundation

/// A long-lived remote process on its own channel, talked to through its stdin and read from its
/// stdout and stderr: what a persistent command shell needs (one exec per session, not per
/// command). The caller frames its requests and answers; this only moves bytes, with deadlines.
/// Writes and reads alternate (a request is written whole before its answer is read), so libssh2's
/// one half-sent packet is always finished by the call that started it.
public final class SSHProcess {
    let channel: SSHChannel
    let operation: String
    public private(set) var hasEnded = false
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)

    init(channel: SSHChannel, operation: String) {
        self.channel = channel
        self.operation = operation
    }

    deinit {
        buffer.deallocate()
    }

    var session: SSHSession { channel.session }

    /// Writes all of `data` to the process's stdin.
    public func write(_ data: Data, deadline: Deadline) throws {
        var offset = 0
        while offset < data.count {
            let written = try data.withUnsafeBytes { bytes in
                try channel.write(UnsafeRawBufferPointer(rebasing: bytes[offset...]), operation: operation)
            }
            if let written {
                offset += written
            } else {
                try session.waitForSocket(deadline: deadline, operation: operation)
            }
        }
    }

    /// Waits for output: returns what arrived on stdout and stderr (at least one byte), or
    /// `ended` once the process closed both.
    public func read(deadline: Deadline) throws -> (stdout: Data, stderr: Data, ended: Bool) {
        while true {
            let (stdout, stderr, blocked) = try readAvailable()
            if !stdout.isEmpty || !stderr.isEmpty { return (stdout, stderr, false) }
            if channel.isAtEOF && !blocked {
                hasEnded = true
                return (stdout, stderr, true)
            }
            // A read whose window adjustment stuck in a full socket is finished by reading again
            // once there is room; otherwise wait for data.
            try session.waitForSocket(deadline: deadline, operation: operation, onlyWritable: blocked)
        }
    }

    /// Output that arrived but was not asked for (a background process writing late): read and
    /// returned without waiting for more.
    public func drain(deadline: Deadline) throws -> Data {
        var dropped = Data()
        while true {
            let (stdout, stderr, blocked) = try readAvailable()
            dropped += stdout + stderr
            if blocked {
                try session.waitForSocket(deadline: deadline, operation: operation, onlyWritable: true)
            } else if stdout.isEmpty && stderr.isEmpty {
                return dropped
            }
        }
    }

    /// Everything already here on both streams; `blocked` when a read's window adjustment is stuck.
    private func readAvailable() throws -> (stdout: Data, stderr: Data, blocked: Bool) {
        var stdout = Data()
        var stderr = Data()
        var wouldBlock = false
        for stream in [Int32(0), CSSH_STDERR_STREAM] {
            while true {
                guard let n = try channel.read(stream: stream, into: buffer, operation: operation) else {
                    wouldBlock = true
                    break
                }
                if n == 0 { break }
                let bytes = UnsafeRawBufferPointer(rebasing: buffer[..<n])
                if stream == 0 { stdout.append(contentsOf: bytes) } else { stderr.append(contentsOf: bytes) }
            }
        }
        return (stdout, stderr, wouldBlock && session.isSendingBlocked)
    }

    /// Before a request: takes in whatever already arrived, without waiting, and tells whether
    /// the process is still there. A server that dropped the idle connection or a process that
    /// exited shows here, before a request is written that would then be lost. `stray` is output
    /// nobody asked for (a background process writing after its command returned).
    public func check() -> (alive: Bool, stray: Data) {
        if hasEnded || session.isBroken { return (false, Data()) }
        guard session.socket.wait(events: Int16(POLLIN), until: Deadline(seconds: 0)) else { return (true, Data()) }
        do {
            let stray = try drain(deadline: Deadline(seconds: 5))
            return (!session.isBroken && !channel.isAtEOF, stray)
        } catch {
            return (false, Data())
        }
    }

    /// The exit status and signal, once the process ended (`read` returned `ended`); -1 and no
    /// signal when the server's close did not come in time.
    public func exitStatus(deadline: Deadline) -> (status: Int32, signal: String?) {
        do {
            try session.retry(operation, deadline: deadline, kind: .failure) { libssh2_channel_close(channel.raw) }
            try session.retry(operation, deadline: deadline, kind: .failure) { libssh2_channel_wait_closed(channel.raw) }
        } catch {
            return (-1, nil)
        }
        return (libssh2_channel_get_exit_status(channel.raw), channel.exitSignal())
    }
}

extension SSHSession {
    /// Starts `command` on a channel of its own and leaves it running (see `SSHProcess`).
    public func startProcess(_ command: String, deadline: Deadline) throws -> SSHProcess {
        let channel = try takeNextChannel(deadline: deadline)
        let operation = "run `\(command)`"
        do {
            try retry(operation, deadline: deadline, kind: .failure) {
                command.withCString { cssh_channel_exec(channel.raw, $0, UInt32(strlen($0))) }
            }
        } catch {
            if isSendingBlocked { isBroken = true }
            throw error
        }
        return SSHProcess(channel: channel, operation: operation)
    }
}
