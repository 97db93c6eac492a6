import Foundation
import Jinja
import OpsCore

/// Ansible-style output: PLAY / TASK banners, one line per host, failures with what ran and
/// why, unified diffs under `--diff`, and the PLAY RECAP.
public final class HumanEvents: RunEvents {
    private let write: (String) -> Void
    private let colour: Bool
    private let verbosity: Int
    private let showDiff: Bool
    private let lock = NSLock()

    public init(colour: Bool, verbosity: Int, showDiff: Bool, write: @escaping (String) -> Void) {
        self.colour = colour
        self.verbosity = verbosity
        self.showDiff = showDiff
        self.write = write
    }

    private func paint(_ s: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    private func banner(_ title: String) -> String {
        let line = title + " "
        return "\n" + line + String(repeating: "*", count: max(3, 79 - line.count)) + "\n"
    }

    private func emit(_ s: String) {
        lock.lock()
        write(s)
        lock.unlock()
    }

    public func playStart(_ play: Play, hosts: [String]) { emit(banner("PLAY [\(play.name)]")) }

    public func taskStart(_ name: String, location: SourceLocation?, isHandler: Bool) {
        var text = banner("\(isHandler ? "RUNNING HANDLER" : "TASK") [\(name)]")
        if verbosity > 0, let location { text += "task path: \(location)\n" }
        emit(text)
    }

    public func hostResult(_ o: TaskOutcome) {
        let who = "[\(o.host)" + (o.delegatedTo.map { " -> \($0)" } ?? "") + "]"
        let item = o.item.map { " => (item=\($0))" } ?? ""
        var text: String
        switch o.status {
        case .ok: text = paint("ok: \(who)\(item)", "32")
        case .changed: text = paint("changed: \(who)\(item)", "33")
        case .skipped: text = paint("skipping: \(who)\(item)", "36")
        case .unreachable:
            text = paint("fatal: \(who): UNREACHABLE! => \(o.result.msg ?? "")", "31;1")
        case .failed, .rescued, .ignored:
            // Ansible's two forms: a loop item fails (the loop goes on), a task is fatal for the host.
            let line = o.item.map { "failed: \(who) (item=\($0)) => " } ?? "fatal: \(who): FAILED! => "
            text = paint(line + failureText(o), "31")
            if o.ignored { text += "\n" + paint("...ignoring", "36") }
        }
        if o.status != .failed && o.status != .unreachable, !o.noLog, let shown = shownValues(o) {
            text += " => " + shown
        }
        text += "\n"
        if showDiff && !o.noLog {
            for d in o.result.diffs {
                let diff = UnifiedDiff.make(d.before, d.after, from: "before: \(d.beforeHeader)", to: "after: \(d.afterHeader)")
                if !diff.isEmpty { text += colourDiff(diff) }
            }
        }
        emit(text)
    }

    /// debug output always; other results at -v.
    private func shownValues(_ o: TaskOutcome) -> String? {
        if o.module == "debug" {
            return (try? JSON.dump(.dict(o.result.values), .init(indent: 4, sortKeys: false, ensureASCII: false)))
        }
        if verbosity > 0 { return try? JSON.dump(o.result.registered, .init(indent: nil, ensureASCII: false)) }
        return nil
    }

    /// What a person needs to act on a failure: the message, the command, rc and stderr's tail,
    /// and where the task is written.
    private func failureText(_ o: TaskOutcome) -> String {
        if o.noLog { return "the output has been hidden due to the fact that 'no_log: true' was specified for this result" }
        var parts: [String] = []
        if let msg = o.result.msg ?? o.result.values["msg"]?.stringValue, !msg.isEmpty { parts.append(msg) }
        let v = o.result.values
        if let cmd = v["cmd"] {
            let text = cmd.listValue.map { $0.map(PlaybookValues.string).joined(separator: " ") } ?? PlaybookValues.string(cmd)
            parts.append("cmd: \(text)")
        }
        if let rc = v["rc"]?.intValue { parts.append("rc: \(rc)") }
        if let err = v["stderr"]?.stringValue, !err.isEmpty {
            let tail = err.split(separator: "\n").suffix(5).joined(separator: "\n    ")
            parts.append("stderr:\n    " + tail)
        } else if let out = v["stdout"]?.stringValue, !out.isEmpty, v["rc"] != nil {
            let tail = out.split(separator: "\n").suffix(5).joined(separator: "\n    ")
            parts.append("stdout:\n    " + tail)
        }
        if v["rc"] == nil, let body = v["content"]?.stringValue ?? v["json"].flatMap({ try? JSON.dump($0) }), !body.isEmpty {
            // An HTTP check that failed: the service's own words say why.
            parts.append("response: " + String(body.prefix(500)))
        }
        parts.append("module: \(o.module)" + (o.location.map { " (\($0))" } ?? ""))
        return parts.joined(separator: "\n  ")
    }

    private func colourDiff(_ diff: String) -> String {
        guard colour else { return diff }
        return diff.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("+") { return paint(String(line), "32") }
            if line.hasPrefix("-") { return paint(String(line), "31") }
            if line.hasPrefix("@@") { return paint(String(line), "36") }
            return String(line)
        }.joined(separator: "\n")
    }

    public func noHostsLeft() { emit(banner("NO MORE HOSTS LEFT")) }

    public func warning(_ text: String) { emit(paint("[WARNING]: \(text)", "35") + "\n") }

    public func recap(_ hosts: [HostState]) {
        var text = banner("PLAY RECAP")
        let width = hosts.map(\.name.count).max() ?? 0
        for h in hosts {
            let s = h.stats
            let name = h.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let colourCode = s.failed > 0 || s.unreachable > 0 ? "31" : s.changed > 0 ? "33" : "32"
            text += paint(name, colourCode)
                + " : ok=\(s.ok)  changed=\(s.changed)  unreachable=\(s.unreachable)  failed=\(s.failed)  "
                + "skipped=\(s.skipped)  rescued=\(s.rescued)  ignored=\(s.ignored)\n"
        }
        emit(text)
    }
}
