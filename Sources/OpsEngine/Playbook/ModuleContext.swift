import Foundation
import Jinja
import Logging
import OpsCore
import OpsTransport

/// What a module may use while it runs on one host: the connection (privilege escalation and
/// `environment:` applied for it), the control node's files, templating, and the run's modes.
public final class ModuleContext {
    public let host: String
    public let checkMode: Bool
    public let diffMode: Bool
    public let logger: Logger
    public let templar: Templar
    public let scope: VariableScope
    /// Where the task was written, for messages.
    public let location: SourceLocation
    let task: Task
    let connect: () throws -> any Transport
    let become: Become?
    let environment: [(String, String)]
    let commandTimeout: Double?
    /// When the task's `timeout` runs out: every command gets at most what is left of it.
    let taskEnds: DispatchTime?

    init(
        host: String, checkMode: Bool, diffMode: Bool, logger: Logger, templar: Templar, scope: VariableScope,
        task: Task, connect: @escaping () throws -> any Transport, become: Become?, environment: [(String, String)],
        commandTimeout: Double?, taskTimeout: Double? = nil
    ) {
        self.host = host
        self.checkMode = checkMode
        self.diffMode = diffMode
        self.logger = logger
        self.templar = templar
        self.scope = scope
        self.location = task.location
        self.task = task
        self.connect = connect
        self.become = become
        self.environment = environment
        self.commandTimeout = commandTimeout
        self.taskEnds = taskTimeout.map { .now() + $0 }
    }

    /// Runs a shell script on the host as the task's user, in one round trip; `ownChannel` runs
    /// it by the login shell on a channel of its own instead of the persistent shell (`raw`).
    public func run(_ script: String, stdin: Data? = nil, timeout: Double? = nil, ownChannel: Bool = false) throws
        -> CommandResult
    {
        var command = script
        if !environment.isEmpty {
            let exports = environment.map { "export \($0.0)=\(ShellWords.quote($0.1))" }.joined(separator: "; ")
            command = exports + "; " + command
        }
        var limit = timeout ?? commandTimeout
        if let taskEnds {
            let left = max(0.001, Double(Int64(taskEnds.uptimeNanoseconds) - Int64(DispatchTime.now().uptimeNanoseconds)) / 1e9)
            limit = min(limit ?? left, left)
        }
        var request = ExecRequest(command, stdin: stdin, timeout: limit, ownChannel: ownChannel)
        if let become { request = become.wrap(request) }
        logger.trace("exec", metadata: ["host": "\(host)", "command": "\(become == nil ? script : "(become) " + script)"])
        return try connect().exec(request)
    }

    /// Uploads to a path writable by the login user; callers that need root move it with `run`.
    public func upload(file localPath: String, to remotePath: String, mode: Int) throws {
        try connect().upload(file: localPath, to: remotePath, mode: mode)
    }

    public var becomeActive: Bool { become != nil }

    /// Finds a control-node file the way Ansible does for `src`: absolute as given; relative in
    /// the role's `folder` (files/ or templates/), the role, then the playbook's `folder` and itself.
    public func findLocalFile(_ name: String, folder: String) throws -> String {
        if name.hasPrefix("/") {
            guard FileManager.default.fileExists(atPath: name) else {
                throw ModuleError("\(task.module): \(name) does not exist on the control node")
            }
            return name
        }
        var candidates: [String] = []
        if let role = task.rolePath { candidates += [role + "/" + folder + "/" + name, role + "/" + name] }
        candidates += [task.baseDirectory + "/" + folder + "/" + name, task.baseDirectory + "/" + name]
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw ModuleError(
            "\(task.module): could not find \"\(name)\" on the control node (looked in \(candidates.joined(separator: ", ")))")
    }
}
