import Foundation

/// What came back from one command on one host.
public struct CommandResult: Sendable, Equatable {
    public var exitStatus: Int32
    /// Set when the remote process was killed by a signal ("TERM", "KILL", …); exitStatus is then -1.
    public var exitSignal: String?
    public var stdout: Data
    public var stderr: Data
    /// Wall-clock seconds from sending the command to its exit status.
    public var duration: Double

    public init(exitStatus: Int32, exitSignal: String? = nil, stdout: Data, stderr: Data, duration: Double) {
        self.exitStatus = exitStatus
        self.exitSignal = exitSignal
        self.stdout = stdout
        self.stderr = stderr
        self.duration = duration
    }

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// One command to run. `command` is a POSIX shell string, run over SSH in a subshell of the host's
/// persistent `/bin/sh` (see `CommandShell`), or by the login shell on a channel of its own when
/// the request needs one; privilege escalation is applied by `Become` before it gets here.
public struct ExecRequest: Sendable {
    public var command: String
    /// Bytes streamed to the command's stdin, then EOF. nil closes stdin at once.
    public var stdin: Data?
    /// Seconds before the command is abandoned and `TransportError.timeout` thrown; nil waits forever.
    public var timeout: Double?
    /// Called with output as it arrives (for live, per-host prefixed output); the full output
    /// is still returned in the result.
    public var onStdout: (@Sendable (Data) -> Void)?
    public var onStderr: (@Sendable (Data) -> Void)?
    /// Answers one interactive prompt (sudo's password prompt); set by `Become.wrap`.
    public var prompt: PromptAnswer?
    /// Runs on an SSH channel of its own, by the login shell, as OpenSSH's exec does (`raw`),
    /// instead of in the host's persistent command shell (see `CommandShell`).
    public var ownChannel: Bool

    public init(
        _ command: String, stdin: Data? = nil, timeout: Double? = nil,
        onStdout: (@Sendable (Data) -> Void)? = nil, onStderr: (@Sendable (Data) -> Void)? = nil,
        prompt: PromptAnswer? = nil, ownChannel: Bool = false
    ) {
        self.command = command
        self.stdin = stdin
        self.timeout = timeout
        self.onStdout = onStdout
        self.onStderr = onStderr
        self.prompt = prompt
        self.ownChannel = ownChannel
    }
}

/// A connection to one host. Blocking by design: the engine fans out across hosts on its own
/// threads (bounded by --forks), and one host's calls are made by one thread at a time.
/// Never call these from Swift concurrency's cooperative pool: blocking it stalls every task.
public protocol Transport: AnyObject {
    /// The inventory name of the host, used in every error and log line.
    var hostName: String { get }
    /// Opens the connection (and authenticates) if it is not open yet. Idempotent.
    func connect() throws
    func exec(_ request: ExecRequest) throws -> CommandResult
    /// Writes `data` to `remotePath` through a temporary name renamed into place, so a reader
    /// never sees half a file. `mode` is applied before the rename.
    func upload(_ data: Data, to remotePath: String, mode: Int) throws
    /// Streams a local file to `remotePath` the same way (for large artifacts).
    func upload(file localPath: String, to remotePath: String, mode: Int) throws
    func download(_ remotePath: String) throws -> Data
    func close()
}
