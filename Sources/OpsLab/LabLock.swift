import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Serializes `up` and `down`: two of them interleaving would tear down what the other builds.
/// An flock, so a killed holder releases it with its last descriptor.
final class LabLock {
    private let descriptor: Int32

    init(path: String, logger: Logger) throws {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw LabError.io(operation: "opening lock", path: path, reason: String(cString: strerror(errno)))
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let holder =
                (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            logger.notice("waiting for another `opsctl lab` (pid \(holder)) to finish")
            guard flock(descriptor, LOCK_EX) == 0 else {
                close(descriptor)
                throw LabError.io(operation: "locking", path: path, reason: String(cString: strerror(errno)))
            }
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.utf8.count, 0)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
