import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A local file read ahead in large chunks by its own thread, for uploads: the session's thread
/// then only encrypts and sends (libssh2 does that on one thread, and bench/ssh showed file reading
/// taking a share of it). read(2) directly: FileHandle.read(upToCount:) makes 4 KB calls on Linux.
final class FileChunks: @unchecked Sendable {
    let path: String
    let host: String
    let chunkSize: Int
    /// Chunks read ahead at most: enough to hide a read, little memory per host.
    let depth = 4

    private let fd: Int32
    private let condition = NSCondition()
    private var ready: [Data] = []
    private var finished = false
    private var failure: TransportError?
    private var cancelled = false
    private var started = false

    init(path: String, chunkSize: Int, host: String) throws {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        self.path = path
        self.host = host
        self.chunkSize = chunkSize
        guard fd >= 0 else {
            throw TransportError.io(
                host: host, operation: "upload", reason: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        close(fd)
    }

    /// The next chunk (full-sized except the last), nil at end of file.
    func next() throws -> Data? {
        condition.lock()
        defer { condition.unlock() }
        if !started {
            started = true
            // The reader holds self until it stops, so the descriptor outlives it.
            Thread { self.readAhead() }.start()
        }
        while ready.isEmpty && !finished { condition.wait() }
        if !ready.isEmpty {
            let chunk = ready.removeFirst()
            condition.broadcast()
            return chunk
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the reader early (the upload failed); safe to call more than once.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    private func readAhead() {
        while true {
            condition.lock()
            while ready.count >= depth && !cancelled { condition.wait() }
            let stop = cancelled
            condition.unlock()
            if stop { break }
            let chunk: Data?
            do {
                chunk = try readChunk()
            } catch {
                condition.lock()
                failure = error as? TransportError
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.lock()
            if let chunk { ready.append(chunk) } else { finished = true }
            condition.broadcast()
            condition.unlock()
            if chunk == nil { return }
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func readChunk() throws -> Data? {
        // Not Data(count:): its zero-filling would be one more pass over every byte.
        guard let buffer = malloc(chunkSize) else {
            throw TransportError.io(host: host, operation: "upload", reason: "out of memory reading \(path)")
        }
        var filled = 0
        while filled < chunkSize {
            let n = read(fd, buffer + filled, chunkSize - filled)
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                let reason = String(cString: strerror(errno))
                free(buffer)
                throw TransportError.io(host: host, operation: "upload", reason: "cannot read \(path): \(reason)")
            }
            if n == 0 { break }
            filled += n
        }
        if filled == 0 {
            free(buffer)
            return nil
        }
        return Data(bytesNoCopy: buffer, count: filled, deallocator: .free)
    }
}
