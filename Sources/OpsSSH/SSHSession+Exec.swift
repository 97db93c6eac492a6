import CLibSSH2
import Foundation

/// What a remote command did.
public struct SSHExecResult: Sendable {
    public var exitStatus: Int32
    /// The signal name without "SIG" ("TERM", "KILL"), when the command was killed by one.
    public var exitSignal: String?
    public var stdout: Data
    public var stderr: Data
}

extension SSHSession {
    /// Runs `command` on a new channel, streaming `stdin` (chunks until nil) while reading stdout
    /// and stderr, so neither side can fill a window and deadlock the other.
    /// - Parameters:
    ///   - stdin: returns the next chunk of input, empty when none is ready yet, nil at end;
    ///     a nil closure closes stdin at once.
    ///   - collectOutput: false drops output after the callbacks saw it (for huge streams).
    public func exec(
        _ command: String, stdin: (() throws -> Data?)? = nil, deadline: Deadline, collectOutput: Bool = true,
        onStdout: ((Data) -> Void)? = nil, onStderr: ((Data) -> Void)? = nil
    ) throws -> SSHExecResult {
        do {
            let result = try runExec(
                command, stdin: stdin, deadline: deadline, collectOutput: collectOutput, onStdout: onStdout,
                onStderr: onStderr)
            prepareNextChannel()
            return result
        } catch {
            // Abandoned (timeout, error) with a packet half-sent: only the abandoned call could
            // finish it, so nothing else can be sent on this session again. Start afresh next time.
            if isSendingBlocked { isBroken = true }
            throw error
        }
    }

    private func runExec(
        _ command: String, stdin: (() throws -> Data?)? = nil, deadline: Deadline, collectOutput: Bool = true,
        onStdout: ((Data) -> Void)? = nil, onStderr: ((Data) -> Void)? = nil
    ) throws -> SSHExecResult {
        let channel = try takeNextChannel(deadline: deadline)
        let operation = "run `\(command.count > 200 ? String(command.prefix(200)) + "…" : command)`"
        try retry(operation, deadline: deadline, kind: .failure) {
            command.withCString { cssh_channel_exec(channel.raw, $0, UInt32(strlen($0))) }
        }

        var stdout = Data()
        var stderr = Data()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        defer { buffer.deallocate() }

        var pending = Data()
        var pendingOffset = 0
        var stdinOpen = stdin != nil
        var eofSent = false
        var stdoutDone = false
        var stderrDone = false
        var inputNotReady = false
        // libssh2 keeps one half-sent packet per session and only the call that produced it may
        // finish it: any other packet meanwhile fails (1.10: BAD_USE, surfacing as "Unable to
        // send transfer-window adjustment packet"). So while a packet is stuck in a full socket,
        // only its producer is called again.
        var stuck = StuckSender.none

        while true {
            var progressed = false
            // Write until the window or the socket is full (or 4 MB went out), then read: one
            // packet per turn would cost two idle reads per 32 KB sent.
            var sentThisTurn = 0
            var windowWasFull = false
            writing: while stdinOpen && (stuck == .none || stuck == .input) && sentThisTurn < 4 << 20 {
                if pendingOffset == pending.count {
                    guard let chunk = try stdin?() else {
                        stdinOpen = false
                        break
                    }
                    // An empty chunk means "nothing yet" (e.g. waiting for a prompt), not progress.
                    inputNotReady = chunk.isEmpty
                    if chunk.isEmpty { break }
                    pending = chunk
                    pendingOffset = 0
                    progressed = true
                }
                do {
                    let written = try pending.withUnsafeBytes { bytes in
                        try channel.write(
                            UnsafeRawBufferPointer(rebasing: bytes[pendingOffset...]), operation: operation)
                    }
                    guard let written else {
                        stuck = isSendingBlocked ? .input : .none
                        windowWasFull = channel.writeWindow == 0
                        break writing
                    }
                    stuck = .none
                    pendingOffset += written
                    sentThisTurn += written
                    progressed = true
                } catch let failure as SSHError
                    where failure.code == LIBSSH2_ERROR_CHANNEL_CLOSED || failure.code == LIBSSH2_ERROR_CHANNEL_EOF_SENT
                {
                    // The command exited or closed its stdin; what it did not read is dropped, as ssh does.
                    stdinOpen = false
                    stuck = .none
                }
            }
            if !stdinOpen && !eofSent && (stuck == .none || stuck == .eof) {
                let rc = libssh2_channel_send_eof(channel.raw)
                if rc == CSSH_ERROR_EAGAIN {
                    stuck = isSendingBlocked ? .eof : .none
                } else {
                    if rc < 0 && isBroken { throw error(.unreachable, operation, code: rc) }
                    stuck = .none
                    eofSent = true
                    progressed = true
                }
            }
            if stuck == .none || stuck == .output {
                // Reading may owe the server a window adjustment: that is the packet that can stick here.
                var blocked = false
                if !stdoutDone {
                    while true {
                        guard let n = try channel.read(stream: 0, into: buffer, operation: operation) else {
                            blocked = true
                            break
                        }
                        if n == 0 {
                            stdoutDone = channel.isAtEOF
                            break
                        }
                        let chunk = Data(buffer[..<n])
                        onStdout?(chunk)
                        if collectOutput { stdout.append(chunk) }
                        progressed = true
                    }
                }
                if !stderrDone {
                    while true {
                        guard let n = try channel.read(stream: CSSH_STDERR_STREAM, into: buffer, operation: operation)
                        else {
                            blocked = true
                            break
                        }
                        if n == 0 {
                            stderrDone = channel.isAtEOF
                            break
                        }
                        let chunk = Data(buffer[..<n])
                        onStderr?(chunk)
                        if collectOutput { stderr.append(chunk) }
                        progressed = true
                    }
                }
                stuck = blocked && isSendingBlocked ? .output : .none
                if channel.isAtEOF && stuck == .none {
                    stdoutDone = true
                    stderrDone = true
                }
            }
            // The command ended and the server closed the channel while input was left and the window
            // was used up: libssh2's write never notices the close and no window will come (a failed
            // `cat > missing/dir/file` fed 20 MB hung here). Drop the rest, as ssh does.
            if stdoutDone && stderrDone && stdinOpen && !progressed && stuck == .none && channel.isClosedByRemote {
                stdinOpen = false
                continue
            }
            // The command ended while its input source was still waiting for it: stop waiting.
            if stdoutDone && stderrDone && stdinOpen && inputNotReady && pendingOffset == pending.count {
                stdinOpen = false
                continue
            }
            if stdoutDone && stderrDone && eofSent && stuck == .none { break }
            // A write that found the window used up, then a read that took in the server's window
            // adjustment: there is room again and nothing more will arrive, so write instead of waiting.
            let canWrite = windowWasFull && stdinOpen && stuck == .none && channel.writeWindow > 0
            if !progressed && !canWrite {
                try waitForSocket(deadline: deadline, operation: operation, onlyWritable: stuck != .none)
            }
        }

        try retry(operation, deadline: deadline, kind: .failure) { libssh2_channel_close(channel.raw) }
        try retry(operation, deadline: deadline, kind: .failure) { libssh2_channel_wait_closed(channel.raw) }
        let status = libssh2_channel_get_exit_status(channel.raw)
        let signal = channel.exitSignal()
        return SSHExecResult(
            exitStatus: signal == nil ? status : -1, exitSignal: signal, stdout: stdout, stderr: stderr)
    }

    /// Sends the open of the next command's channel now, without waiting: its confirmation
    /// arrives while the engine waits for the other hosts, instead of costing the next command
    /// a round trip. At most one such channel is open, after the previous one closed.
    func prepareNextChannel() {
        guard nextChannel == nil, !isOpeningNextChannel, !isBroken else { return }
        if let handle = cssh_channel_open_session(raw, Self.channelWindow) {
            nextChannel = handle
        } else if libssh2_session_last_errno(raw) == CSSH_ERROR_EAGAIN {
            isOpeningNextChannel = true
        }
        // Any other failure leaves libssh2 idle; the next command's own open reports it.
    }

    /// The channel prepared ahead, or one opened now. An open left in flight is finished by
    /// calling libssh2's open again, which resumes it.
    func takeNextChannel(deadline: Deadline) throws -> SSHChannel {
        if let handle = nextChannel {
            nextChannel = nil
            let channel = SSHChannel(raw: handle, session: self)
            // The server may have dropped the connection while it sat idle: learn it before the
            // command is sent, so it fails as an open (the command never started, the caller
            // may reconnect and retry) exactly as without the channel opened ahead.
            if socket.wait(events: Int16(POLLIN), until: Deadline(seconds: 0)) {
                var byte: CChar = 0
                let rc = cssh_channel_read(handle, 0, &byte, 1)
                if rc < 0 && rc != Int(CSSH_ERROR_EAGAIN) { throw error(.failure, "open channel", code: Int32(rc)) }
            }
            return channel
        }
        isOpeningNextChannel = false
        return try openSessionChannel(deadline: deadline)
    }
}

/// Which call of the exec loop owns libssh2's half-sent packet, if any.
enum StuckSender {
    case none, input, eof, output
}
