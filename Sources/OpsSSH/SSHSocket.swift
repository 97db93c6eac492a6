import CLibSSH2
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An owned, non-blocking stream socket: a TCP connection to a host, or one end of a socket
/// pair carrying a session through a jump host. Closed on deinit.
public final class SSHSocket {
    public let fd: Int32

    init(fd: Int32) {
        self.fd = fd
    }

    deinit {
        close(fd)
    }

    /// Connects to `host:port`, trying each resolved address until one answers, within `timeout` seconds.
    /// `deadTimeout` bounds how long unacknowledged data may sit in the socket before the kernel
    /// drops the connection, so a host that dies mid-command is reported instead of hanging.
    public static func connect(
        host: String, port: Int, timeout: Double, deadTimeout: Double, hostName: String
    ) throws -> SSHSocket {
        let deadline = Deadline(seconds: timeout)
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let gai = getaddrinfo(host, String(port), &hints, &list)
        guard gai == 0, let first = list else {
            let why = String(cString: gai_strerror(gai))
            throw SSHError(.unreachable, host: hostName, operation: "resolve \(host)", message: why)
        }
        defer { freeaddrinfo(list) }

        var lastError = "no address"
        var lastErrno: Int32 = 0
        var current: UnsafeMutablePointer<addrinfo>? = first
        while let info = current {
            current = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 {
                lastErrno = errno
                lastError = String(cString: strerror(errno))
                continue
            }
            let sock = SSHSocket(fd: fd)
            sock.setNonBlocking()
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
                if errno != EINPROGRESS {
                    lastErrno = errno
                    lastError = String(cString: strerror(errno))
                    continue
                }
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                var ready: Int32
                repeat {
                    ready = poll(&pfd, 1, deadline.pollMilliseconds)
                } while ready < 0 && errno == EINTR
                if ready == 0 {
                    throw SSHError(
                        .unreachable, host: hostName, operation: "connect to \(host):\(port)",
                        message: "no answer within \(formatSeconds(timeout))")
                }
                var soError: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
                if soError != 0 {
                    lastErrno = soError
                    lastError = String(cString: strerror(soError))
                    continue
                }
            }
            sock.setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1)
            sock.setOption(SOL_SOCKET, SO_KEEPALIVE, 1)
            sock.setOption(Int32(IPPROTO_TCP), TCP_USER_TIMEOUT, Int32(clamping: Int(deadTimeout * 1000)))
            return sock
        }
        throw SSHError(
            .unreachable, host: hostName, operation: "connect to \(host):\(port)",
            code: lastErrno, message: lastError)
    }

    /// Two connected UNIX stream sockets: one for a session, one for the pump feeding it.
    public static func pair() throws -> (SSHSocket, SSHSocket) {
        var fds: [Int32] = [0, 0]
        if socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) != 0 {
            throw SSHError(
                .failure, host: "-", operation: "socketpair", code: errno,
                message: String(cString: strerror(errno)))
        }
        let a = SSHSocket(fd: fds[0])
        let b = SSHSocket(fd: fds[1])
        a.setNonBlocking()
        b.setNonBlocking()
        return (a, b)
    }

    func setNonBlocking() {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    private func setOption(_ level: Int32, _ name: Int32, _ value: Int32) {
        var v = value
        setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Waits until the socket is ready for `events` or the deadline passes; returns false on timeout.
    func wait(events: Int16, until deadline: Deadline) -> Bool {
        var pfd = pollfd(fd: fd, events: events, revents: 0)
        var ready: Int32
        repeat {
            ready = poll(&pfd, 1, deadline.pollMilliseconds)
        } while ready < 0 && errno == EINTR
        return ready != 0
    }
}

func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? "\(Int(seconds))s" : String(format: "%.1fs", seconds)
}
