import CLibSSH2
import Foundation

/// One libssh2 channel; keeps its session alive and frees the channel on deinit.
public final class SSHChannel {
    let raw: OpaquePointer
    let session: SSHSession

    init(raw: OpaquePointer, session: SSHSession) {
        self.raw = raw
        self.session = session
    }

    deinit {
        // libssh2_channel_free may need a round trip to close; give it a moment, never a hang.
        let deadline = Deadline(seconds: 1)
        while libssh2_channel_free(raw) == CSSH_ERROR_EAGAIN, !session.isBroken {
            if (try? session.waitForSocket(deadline: deadline, operation: "free channel")) == nil { break }
        }
    }

    /// Reads what is available on `stream` (0 stdout, 1 stderr) into `buffer`.
    /// Returns the byte count, 0 at end of stream, or nil when nothing is available yet.
    func read(stream: Int32, into buffer: UnsafeMutableRawBufferPointer, operation: String) throws -> Int? {
        let n = cssh_channel_read(raw, stream, buffer.baseAddress!.assumingMemoryBound(to: CChar.self), buffer.count)
        if n == Int(CSSH_ERROR_EAGAIN) { return nil }
        if n < 0 { throw session.error(.failure, operation, code: Int32(n)) }
        return n
    }

    /// Writes as much of `bytes` as the window and socket take. Returns the count, nil when blocked.
    func write(_ bytes: UnsafeRawBufferPointer, operation: String) throws -> Int? {
        let n = cssh_channel_write(raw, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count)
        if n == Int(CSSH_ERROR_EAGAIN) { return nil }
        if n < 0 { throw session.error(.failure, operation, code: Int32(n)) }
        return n
    }

    /// True when the remote sent EOF and no data is left to read.
    var isAtEOF: Bool { libssh2_channel_eof(raw) != 0 }

    /// Bytes the server's window still lets us send.
    var writeWindow: UInt { libssh2_channel_window_write_ex(raw, nil) }

    /// The signal that ended the remote command, without "SIG" ("TERM"), if one did.
    func exitSignal() -> String? {
        var pointer: UnsafeMutablePointer<CChar>?
        var length = 0
        guard libssh2_channel_get_exit_signal(raw, &pointer, &length, nil, nil, nil, nil) == 0, let pointer else {
            return nil
        }
        defer { libssh2_free(session.raw, pointer) }
        guard length > 0 else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    /// True once the remote also sent CLOSE (checked only after its EOF, as libssh2 requires):
    /// it will read nothing more, nor grant more window.
    var isClosedByRemote: Bool { isAtEOF && libssh2_channel_wait_closed(raw) == 0 }
}

extension SSHSession {
    /// Window offered to the server per channel: big enough that a fast stream is not
    /// throttled by round trips, small enough to bound memory per host.
    static let channelWindow: UInt32 = 8 * 1024 * 1024

    public func openSessionChannel(deadline: Deadline) throws -> SSHChannel {
        let handle = try retryPointer("open channel", deadline: deadline) {
            cssh_channel_open_session(raw, Self.channelWindow)
        }
        return SSHChannel(raw: handle, session: self)
    }

    /// A `direct-tcpip` channel: the server connects to `host:port` and relays (for jump hosts).
    public func openDirectTCPIP(host: String, port: Int, deadline: Deadline) throws -> SSHChannel {
        let operation = "open direct-tcpip channel to \(host):\(port)"
        let handle = try retryPointer(operation, deadline: deadline, kind: .unreachable) {
            libssh2_channel_direct_tcpip_ex(raw, host, Int32(port), "127.0.0.1", 22)
        }
        return SSHChannel(raw: handle, session: self)
    }
}
