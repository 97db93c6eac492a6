import CLibSSH2
import Foundation

extension SSHSession {
    /// Writes a stream to `path` over SFTP (created or truncated, with `mode`). Kept to measure
    /// against the exec + `cat` upload that SSHTransport uses (see bench/ssh): SFTPv3 rename
    /// cannot replace an existing file, so SFTP alone cannot do the atomic rename into place.
    public func sftpWrite(to path: String, mode: Int, deadline: Deadline, chunks: () throws -> Data?) throws {
        let operation = "SFTP upload to \(path)"
        let sftp = try retryPointer(operation, deadline: deadline) { libssh2_sftp_init(raw) }
        defer { _ = try? retry(operation, deadline: Deadline(seconds: 2)) { libssh2_sftp_shutdown(sftp) } }
        let flags = UInt(LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC)
        let handle = try retryPointer(operation, deadline: deadline) {
            libssh2_sftp_open_ex(sftp, path, UInt32(path.utf8.count), flags, mode, Int32(LIBSSH2_SFTP_OPENFILE))
        }
        defer { _ = try? retry(operation, deadline: Deadline(seconds: 2)) { libssh2_sftp_close_handle(handle) } }
        while let chunk = try chunks() {
            var offset = 0
            while offset < chunk.count {
                // libssh2 pipelines one big buffer into many SFTP writes; it must be re-offered
                // from where the acknowledged bytes end.
                let n = chunk.withUnsafeBytes { bytes in
                    libssh2_sftp_write(
                        handle, bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self),
                        bytes.count - offset)
                }
                if n == Int(CSSH_ERROR_EAGAIN) {
                    try waitForSocket(deadline: deadline, operation: operation)
                } else if n < 0 {
                    throw error(.failure, operation, code: Int32(n))
                } else {
                    offset += n
                }
            }
        }
    }
}
