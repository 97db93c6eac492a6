import CLibSSH2
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Carries a TCP stream through a jump host: a `direct-tcpip` channel of the bastion's session,
/// pumped to one end of a socket pair; the other end is an ordinary fd a target session can use.
///
/// libssh2 1.10 can only run a session over a socket, and its send/recv callbacks cannot wait
/// on another session's socket, so a pump thread is the robust choice. The thread owns the
/// bastion session from `start()` on (one user per session) and ends when either side closes.
public final class SSHTunnel {
    /// The end to hand to the target's SSHSession.
    public let sessionSide: SSHSocket
    private let pumpSide: SSHSocket
    private let bastion: SSHSession
    private let channel: SSHChannel
    private let logger: Logger
    private let stopped = StopFlag()
    private let finished = DispatchSemaphore(value: 0)
    private var started = false

    /// Opens the channel to `host:port` through `bastion` (already authenticated).
    public init(bastion: SSHSession, host: String, port: Int, deadline: Deadline, logger: Logger) throws {
        self.bastion = bastion
        self.logger = logger
        self.channel = try bastion.openDirectTCPIP(host: host, port: port, deadline: deadline)
        (sessionSide, pumpSide) = try SSHSocket.pair()
    }

    public func start() {
        guard !started else { return }
        started = true
        let thread = Thread { [self] in
            pump()
            finished.signal()
        }
        thread.name = "opsctl-tunnel-\(bastion.hostName)"
        thread.start()
    }

    /// Asks the pump to end and waits for it (briefly): after this the bastion session is idle.
    public func stop() {
        guard started else { return }
        stopped.set()
        _ = finished.wait(timeout: .now() + 2)
    }

    private func pump() {
        let size = 256 * 1024
        let toChannel = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        let toSocket = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer {
            toChannel.deallocate()
            toSocket.deallocate()
        }
        var channelStart = 0
        var channelEnd = 0
        var socketStart = 0
        var socketEnd = 0
        var socketEOF = false
        var channelEOF = false
        let operation = "relay through jump host"
        // As in exec: a packet stuck half-sent in the bastion's socket may only be finished by
        // the call that produced it (the channel write, or the read's window adjustment).
        var stuck = StuckSender.none

        do {
            while !stopped.isSet {
                var progressed = false
                // Socket → channel. Write first: a blocked write may queue incoming packets.
                if channelStart == channelEnd && !socketEOF {
                    let n = recv(pumpSide.fd, toChannel.baseAddress, size, 0)
                    if n > 0 {
                        channelStart = 0
                        channelEnd = n
                        progressed = true
                    } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                        socketEOF = true
                    }
                }
                if channelStart < channelEnd && (stuck == .none || stuck == .input) {
                    if let n = try channel.write(
                        UnsafeRawBufferPointer(rebasing: toChannel[channelStart..<channelEnd]), operation: operation)
                    {
                        channelStart += n
                        progressed = true
                        stuck = .none
                    } else {
                        stuck = bastion.isSendingBlocked ? .input : .none
                    }
                }
                // The target session closed its end: nothing more will use the tunnel.
                if socketEOF && channelStart == channelEnd { break }

                // Channel → socket.
                if socketStart == socketEnd && !channelEOF && (stuck == .none || stuck == .output) {
                    if let n = try channel.read(stream: 0, into: toSocket, operation: operation) {
                        stuck = .none
                        if n == 0 {
                            channelEOF = channel.isAtEOF
                        } else {
                            socketStart = 0
                            socketEnd = n
                            progressed = true
                        }
                    } else {
                        stuck = bastion.isSendingBlocked ? .output : .none
                    }
                }
                if socketStart < socketEnd {
                    let n = send(
                        pumpSide.fd, toSocket.baseAddress! + socketStart, socketEnd - socketStart,
                        Int32(MSG_NOSIGNAL))
                    if n > 0 {
                        socketStart += n
                        progressed = true
                    } else if n < 0 && errno != EAGAIN && errno != EINTR {
                        break
                    }
                }
                if channelEOF && socketStart == socketEnd {
                    // The far end hung up: let the target session see EOF.
                    shutdown(pumpSide.fd, Int32(SHUT_WR))
                    if socketEOF { break }
                }
                if progressed { continue }

                var fds = [
                    pollfd(fd: bastion.socket.fd, events: Int16(POLLIN), revents: 0),
                    pollfd(fd: pumpSide.fd, events: 0, revents: 0),
                ]
                if stuck != .none {
                    // Only room to finish the stuck packet helps; incoming data would spin us.
                    fds[0].events = Int16(POLLOUT)
                } else if bastion.isSendingBlocked {
                    fds[0].events |= Int16(POLLOUT)
                }
                if channelStart == channelEnd && !socketEOF { fds[1].events |= Int16(POLLIN) }
                if socketStart < socketEnd { fds[1].events |= Int16(POLLOUT) }
                // Wake up now and then to see `stopped` and to send the bastion's keepalives.
                _ = poll(&fds, 2, 500)
                if bastion.keepaliveInterval > 0 && stuck == .none && !bastion.isSendingBlocked
                    && bastion.socket.wait(events: Int16(POLLOUT), until: Deadline(seconds: 0))
                {
                    var next: Int32 = 0
                    _ = libssh2_keepalive_send(bastion.raw, &next)
                }
                if bastion.isBroken { break }
            }
        } catch {
            logger.debug("jump host relay ended", metadata: ["host": "\(bastion.hostName)", "error": "\(error)"])
        }
        shutdown(pumpSide.fd, Int32(SHUT_RDWR))
    }
}

/// A flag one thread sets and another polls.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }
}
