import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Is an SSH server answering? A TCP connect and the server's identification line
/// (`SSH-2.0-...`) is enough to know sshd is up; authentication is the transport's business.
public enum SSHProbe {
    /// The server's identification line, or nil if nothing answered within `timeout` seconds.
    public static func banner(address: String, port: UInt16 = 22, timeout: Double = 2) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = port.bigEndian
        guard inet_pton(AF_INET, address, &target.sin_addr) == 1 else { return nil }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let deadline = Date().addingTimeInterval(timeout)
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if connected != 0 {
            guard errno == EINPROGRESS, wait(fd, for: Int16(POLLOUT), until: deadline) else { return nil }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0 else { return nil }
        }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 256)
        while !received.contains(UInt8(ascii: "\n")) {
            guard wait(fd, for: Int16(POLLIN), until: deadline) else { return nil }
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else { return nil }
            received += buffer[0..<count]
        }
        let line = String(decoding: received, as: UTF8.self).split(separator: "\n").first ?? ""
        let banner = line.trimmingCharacters(in: .whitespacesAndNewlines)
        return banner.hasPrefix("SSH-") ? banner : nil
    }

    private static func wait(_ fd: Int32, for events: Int16, until deadline: Date) -> Bool {
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return false }
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&descriptor, 1, Int32(remaining * 1000) + 1)
            if ready > 0 { return true }
            if ready < 0, errno == EINTR { continue }
            return false
        }
    }
}
