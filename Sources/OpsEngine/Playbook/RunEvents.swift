import Jinja
import OpsCore

/// What the runner reports as it goes; the human and JSON printers implement it.
/// Called from the runner's thread only, except `hostResult`, which may come from host workers
/// (implementations serialise their output).
public protocol RunEvents: AnyObject {
    func playStart(_ play: Play, hosts: [String])
    func taskStart(_ name: String, location: SourceLocation?, isHandler: Bool)
    func hostResult(_ outcome: TaskOutcome)
    func noHostsLeft()
    func warning(_ text: String)
    func recap(_ hosts: [HostState])
}

/// One task's (or loop item's) end on one host.
public struct TaskOutcome {
    public enum Status: String { case ok, changed, failed, skipped, unreachable, rescued, ignored }

    public var host: String
    public var task: String
    public var status: Status
    public var result: ModuleResult
    /// The loop item's label, for loop items.
    public var item: String?
    public var delegatedTo: String?
    /// Task failures that `ignore_errors` forgave still print as failures ("...ignoring").
    public var ignored = false
    public var noLog = false
    public var module: String
    public var location: SourceLocation?
    public var verbose = false
}
