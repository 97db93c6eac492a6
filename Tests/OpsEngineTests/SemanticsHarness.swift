import Foundation
import Jinja
import Logging
import OpsCore
import OpsEngine
import XCTest

/// Runs playbooks for real on this machine through `connection: local` hosts, each working in
/// its own directory, and records what the runner reported.
final class RecordingEvents: RunEvents {
    private let lock = NSLock()
    private(set) var outcomes: [TaskOutcome] = []
    private(set) var tasks: [String] = []
    private(set) var warnings: [String] = []
    private(set) var recapStats: [String: HostState.Stats] = [:]

    func playStart(_ play: Play, hosts: [String]) {}
    func taskStart(_ name: String, location: SourceLocation?, isHandler: Bool) {
        lock.lock()
        tasks.append((isHandler ? "HANDLER " : "") + name)
        lock.unlock()
    }
    func hostResult(_ outcome: TaskOutcome) {
        lock.lock()
        outcomes.append(outcome)
        lock.unlock()
    }
    func noHostsLeft() {}
    func warning(_ text: String) { warnings.append(text) }
    func recap(_ hosts: [HostState]) { for h in hosts { recapStats[h.name] = h.stats } }

    func statuses(_ task: String) -> [String: TaskOutcome.Status] {
        var d: [String: TaskOutcome.Status] = [:]
        for o in outcomes where o.task == task { d[o.host] = o.status }
        return d
    }
}

struct LocalFleet {
    let dir: URL
    let hosts: [String]

    init(hosts: [String] = ["h1", "h2", "h3"], groups: [String: [String]] = [:]) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("opsctl-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        self.hosts = hosts
        var inv = "all:\n  vars:\n    ansible_connection: local\n    work: \(dir.path)\n  hosts:\n"
        for h in hosts { inv += "    \(h):\n" }
        if !groups.isEmpty {
            inv += "  children:\n"
            for (g, members) in groups.sorted(by: { $0.key < $1.key }) {
                inv += "    \(g):\n      hosts:\n" + members.map { "        \($0):\n" }.joined()
            }
        }
        try write("inventory.yml", inv)
    }

    func write(_ name: String, _ text: String) throws {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func read(_ name: String) -> String? {
        try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    func play(_ playbook: String, configure: (inout RunOptions) -> Void = { _ in }) throws -> (Int32, RecordingEvents) {
        try write("site.yml", playbook)
        let session = try PlaybookSession(
            playbookPath: dir.appendingPathComponent("site.yml").path,
            inventoryPaths: [dir.appendingPathComponent("inventory.yml").path], reader: DiskSourceReader())
        var options = RunOptions()
        configure(&options)
        let events = RecordingEvents()
        let code = try session.run(
            options: options, overrides: .init(), events: events, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        return (code, events)
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }
}
