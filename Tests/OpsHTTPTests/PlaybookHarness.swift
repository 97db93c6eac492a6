import Foundation
import Jinja
import Logging
import OpsCore
import OpsEngine
import OpsTransport

/// Records what the playbook runner reports, for assertions.
final class RecordingEvents: RunEvents {
    private let lock = NSLock()
    private var recorded: [TaskOutcome] = []
    private var warned: [String] = []

    var outcomes: [TaskOutcome] { lock.withLock { recorded } }
    var warnings: [String] { lock.withLock { warned } }

    func playStart(_ play: Play, hosts: [String]) {}
    func taskStart(_ name: String, location: SourceLocation?, isHandler: Bool) {}
    func hostResult(_ outcome: TaskOutcome) { lock.withLock { recorded.append(outcome) } }
    func noHostsLeft() {}
    func warning(_ text: String) { lock.withLock { warned.append(text) } }
    func recap(_ hosts: [HostState]) {}
}

/// One playbook run against `localhost` (ansible_connection=local), in-process.
struct PlaybookRun {
    let code: Int32
    let events: RecordingEvents

    /// The outcome of the task with this name (its last one when it ran more than once).
    func outcome(_ task: String) throws -> TaskOutcome {
        guard let o = events.outcomes.last(where: { $0.task == task }) else {
            throw TestFailure("no outcome for task \"\(task)\"; got \(events.outcomes.map(\.task))")
        }
        return o
    }

    /// What `register:` would store for the task.
    func result(_ task: String) throws -> ValueDict {
        guard let d = try outcome(task).result.registered.dictValue else { throw TestFailure("not a dict") }
        return d
    }
}

/// Writes `tasks` (a YAML task list starting at column 0) into a playbook and runs it.
func runPlaybook(_ tasks: String, check: Bool = false) throws -> PlaybookRun {
    let dir = try makeTempDir("opshttp-play")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let inventory = dir + "/inventory.ini"
    try "localhost ansible_connection=local\n".write(toFile: inventory, atomically: true, encoding: .utf8)
    let playbook = dir + "/play.yml"
    let indented = tasks.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
    let text = "- hosts: all\n  gather_facts: false\n  tasks:\n" + indented.joined(separator: "\n") + "\n"
    try text.write(toFile: playbook, atomically: true, encoding: .utf8)
    let session = try PlaybookSession(playbookPath: playbook, inventoryPaths: [inventory], reader: DiskSourceReader())
    var options = RunOptions()
    options.checkMode = check
    let events = RecordingEvents()
    let code = try session.run(
        options: options, overrides: ConnectionOverrides(), events: events, logger: Logger(label: "opshttp-tests"))
    return PlaybookRun(code: code, events: events)
}

/// The load error a playbook with these tasks gets, or nil when it loads.
func loadError(_ tasks: String) -> String? {
    do {
        _ = try runPlaybook(tasks)
        return nil
    } catch {
        return "\(error)"
    }
}
