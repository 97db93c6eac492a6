import CLibSSH2
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// One libssh2 session over one socket, driven in non-blocking mode so every wait has a deadline.
/// Not thread-safe: a session is used by one thread at a time (SSHTransport holds a lock).
public final class SSHSession {
    let raw: OpaquePointer
    public let socket: SSHSocket
    /// The inventory name, used in every error.
    public let hostName: String
    let logger: Logger
    let keepaliveInterval: Int
    /// Kept alive as long as the session: the jump-host tunnel carrying it, if any.
    var tunnel: SSHTunnel?
    /// Set once the connection failed underneath; the session must then be thrown away.
    public internal(set) var isBroken = false
    /// The channel opened ahead for the next command (see `prepareNextChannel`), or its open in flight.
    var nextChannel: OpaquePointer?
    var isOpeningNextChannel = false
    private var isHandshaken = false

    public init(socket: SSHSocket, hostName: String, keepaliveInterval: Int, logger: Logger) throws {
        try LibSSH2.ensureInitialized()
        guard let raw = cssh_session_init() else {
            throw SSHError(.failure, host: hostName, operation: "libssh2_session_init", message: "out of memory")
        }
        self.raw = raw
        self.socket = socket
        self.hostName = hostName
        self.keepaliveInterval = keepaliveInterval
        self.logger = logger
        libssh2_session_set_blocking(raw, 0)
        if keepaliveInterval > 0 {
            libssh2_keepalive_config(raw, 1, UInt32(keepaliveInterval))
        }
    }

    /// Keeps `tunnel` running for as long as this session lives.
    public func attach(_ tunnel: SSHTunnel) {
        self.tunnel = tunnel
    }

    deinit {
        if isHandshaken && !isBroken {
            // A short blocking goodbye: the server learns we left instead of timing out.
            libssh2_session_set_timeout(raw, 1000)
            libssh2_session_set_blocking(raw, 1)
            _ = cssh_session_disconnect(raw, "opsctl done")
        }
        libssh2_session_set_blocking(raw, 0)
        _ = libssh2_session_free(raw)
        tunnel?.stop()
    }

    /// Restricts and orders the host key algorithms, so the server presents a key type that
    /// known_hosts holds for it (as OpenSSH does), instead of one we would call "unknown".
    public func preferHostKeyAlgorithms(_ algorithms: [String]) {
        guard !algorithms.isEmpty else { return }
        let list = algorithms.joined(separator: ",")
        if libssh2_session_method_pref(raw, CSSH_METHOD_HOSTKEY, list) != 0 {
            logger.debug("host key algorithm preference not accepted", metadata: ["list": "\(list)"])
        }
    }

    public func handshake(deadline: Deadline) throws {
        _ = try retry("SSH handshake", deadline: deadline) { libssh2_session_handshake(raw, socket.fd) }
        isHandshaken = true
        // What bulk transfers cost depends on these (bench/ssh): libssh2 1.10 here picks aes128-ctr and
        // hmac-sha2-256, its fastest with AES-NI and SHA-NI; it has neither chacha20-poly1305 nor AES-GCM.
        let methods = [LIBSSH2_METHOD_KEX, LIBSSH2_METHOD_CRYPT_CS, LIBSSH2_METHOD_MAC_CS].map {
            libssh2_session_methods(raw, $0).map { String(cString: $0) } ?? "?"
        }
        logger.debug(
            "SSH handshake done", metadata: ["kex": "\(methods[0])", "cipher": "\(methods[1])", "mac": "\(methods[2])"])
    }

    /// The key the server proved it holds during the handshake.
    public func hostKey() throws -> SSHHostKey {
        var length = 0
        var type: Int32 = 0
        guard let pointer = libssh2_session_hostkey(raw, &length, &type), length > 0 else {
            throw error(.hostKey, "read host key")
        }
        let blob = Data(bytes: pointer, count: length)
        var fingerprint = Data()
        if let hash = libssh2_hostkey_hash(raw, CSSH_HOSTKEY_HASH_SHA256) {
            fingerprint = Data(bytes: hash, count: 32)
        }
        return SSHHostKey(blob: blob, libssh2Type: type, sha256: fingerprint)
    }

    // MARK: - Non-blocking plumbing

    /// The library's last error as (code, message).
    var lastError: (code: Int32, message: String) {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        let code = libssh2_session_last_error(raw, &message, &length, 0)
        let text = message.map { String(cString: $0) } ?? "unknown error"
        return (code, text)
    }

    /// True while libssh2 holds a half-sent packet because the socket was full.
    var isSendingBlocked: Bool {
        libssh2_session_block_directions(raw) & CSSH_BLOCK_OUTBOUND != 0
    }

    /// Builds an error from libssh2's last error, marking the session broken when the connection failed.
    func error(_ kind: SSHError.Kind, _ operation: String, code explicitCode: Int32? = nil) -> SSHError {
        let (lastCode, message) = lastError
        let code = explicitCode ?? lastCode
        var kind = kind
        if Self.isConnectionFailure(code) {
            isBroken = true
            kind = .unreachable
        }
        return SSHError(kind, host: hostName, operation: operation, code: code, message: message)
    }

    static func isConnectionFailure(_ code: Int32) -> Bool {
        [
            LIBSSH2_ERROR_BANNER_RECV, LIBSSH2_ERROR_BANNER_SEND, LIBSSH2_ERROR_SOCKET_SEND,
            LIBSSH2_ERROR_SOCKET_DISCONNECT, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_TIMEOUT,
            LIBSSH2_ERROR_KEX_FAILURE, LIBSSH2_ERROR_TIMEOUT,
        ].contains(code)
    }

    /// Repeats a libssh2 call while it answers EAGAIN, waiting on the socket in between.
    /// A negative result other than EAGAIN becomes an SSHError of `kind`.
    @discardableResult
    func retry(
        _ operation: String, deadline: Deadline, kind: SSHError.Kind = .unreachable, _ body: () -> Int32
    ) throws -> Int32 {
        while true {
            let rc = body()
            if rc == CSSH_ERROR_EAGAIN {
                try waitForSocket(deadline: deadline, operation: operation)
                continue
            }
            if rc < 0 { throw error(kind, operation, code: rc) }
            return rc
        }
    }

    /// Same for calls that return a pointer, NULL with EAGAIN meaning "again".
    func retryPointer<T>(
        _ operation: String, deadline: Deadline, kind: SSHError.Kind = .failure, _ body: () -> T?
    ) throws -> T {
        while true {
            if let value = body() { return value }
            let code = libssh2_session_last_errno(raw)
            if code == CSSH_ERROR_EAGAIN {
                try waitForSocket(deadline: deadline, operation: operation)
                continue
            }
            throw error(kind, operation, code: code)
        }
    }

    /// Sleeps until the socket can move in the direction libssh2 is blocked on, sending
    /// keepalives meanwhile. Throws `.timeout` at the deadline.
    /// With `onlyWritable`, waits for room to finish a half-sent packet and nothing else (incoming
    /// data cannot be taken before that packet is out, and would only wake us in a loop).
    func waitForSocket(deadline: Deadline, operation: String, onlyWritable: Bool = false) throws {
        let directions = libssh2_session_block_directions(raw)
        var events = onlyWritable ? Int16(POLLOUT) : Int16(POLLIN)
        if directions & CSSH_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        var wait = deadline
        // A keepalive sent mid key exchange breaks it: only after the handshake.
        if keepaliveInterval > 0 && isHandshaken {
            var next: Int32 = 0
            // A keepalive must not interleave with a half-sent packet (libssh2 rejects that), nor
            // become one itself: only into a socket with room.
            if directions & CSSH_BLOCK_OUTBOUND == 0 && !onlyWritable
                && socket.wait(events: Int16(POLLOUT), until: Deadline(seconds: 0))
            {
                let rc = libssh2_keepalive_send(raw, &next)
                if rc != 0 && rc != CSSH_ERROR_EAGAIN && Self.isConnectionFailure(rc) {
                    throw error(.unreachable, operation, code: rc)
                }
            }
            if next <= 0 { next = Int32(keepaliveInterval) }
            wait = deadline.earlier(Deadline(seconds: Double(next)))
        }
        if !socket.wait(events: events, until: wait) && deadline.isExpired {
            throw SSHError(.timeout, host: hostName, operation: operation, message: "timed out")
        }
    }
}
