import Foundation
import Jinja
import OpsCore

/// `--json`: one JSON object per line, for machines (CI logs, dashboards).
public final class JSONEvents: RunEvents {
    private let write: (String) -> Void
    private let lock = NSLock()

    public init(write: @escaping (String) -> Void) {
        self.write = write
    }

    private func emit(_ d: ValueDict) {
        let line = (try? JSON.dump(.dict(d), .init(indent: nil, ensureASCII: false))) ?? "{}"
        lock.lock()
        write(line + "\n")
        lock.unlock()
    }

    private func loc(_ l: SourceLocation?) -> Value { l.map { .string($0.description) } ?? .none }

    public func playStart(_ play: Play, hosts: [String]) {
        emit(["event": "play_start", "play": .string(play.name), "hosts": .list(hosts.map(Value.string))])
    }

    public func taskStart(_ name: String, location: SourceLocation?, isHandler: Bool) {
        emit(["event": isHandler ? "handler_start" : "task_start", "task": .string(name), "location": loc(location)])
    }

    public func hostResult(_ o: TaskOutcome) {
        var d: ValueDict = [
            "event": "host_result", "host": .string(o.host), "task": .string(o.task), "status": .string(o.status.rawValue),
            "module": .string(o.module),
        ]
        if let item = o.item { d["item"] = .string(item) }
        if o.ignored { d["ignored"] = true }
        d["result"] = o.noLog ? .dict(["censored": "no_log: true"]) : o.result.registered
        emit(d)
    }

    public func noHostsLeft() { emit(["event": "no_hosts_left"]) }

    public func warning(_ text: String) { emit(["event": "warning", "message": .string(text)]) }

    public func recap(_ hosts: [HostState]) {
        var stats = ValueDict()
        for h in hosts {
            let s = h.stats
            stats[h.name] = .dict([
                "ok": .int(s.ok), "changed": .int(s.changed), "unreachable": .int(s.unreachable), "failed": .int(s.failed),
                "skipped": .int(s.skipped), "rescued": .int(s.rescued), "ignored": .int(s.ignored),
            ])
        }
        emit(["event": "recap", "hosts": .dict(stats)])
    }
}
