import CLibSSH2

/// libssh2's process-wide state. `libssh2_init` is not thread-safe, so it runs exactly once,
/// through Swift's lazily initialized (dispatch_once-backed) static storage.
enum LibSSH2 {
    private static let initResult: Int32 = libssh2_init(0)

    static func ensureInitialized() throws {
        if initResult != 0 {
            throw SSHError(
                .failure, host: "-", operation: "libssh2_init", code: initResult,
                message: "libssh2 could not initialize its crypto backend")
        }
    }
}
