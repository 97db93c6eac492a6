import Foundation
import Jinja
import Logging
import OpsCore
@testable import OpsEngine
import OpsTransport
import XCTest

/// Keeps every host result of a run, for assertions.
final class ModuleTestEvents: RunEvents {
    private let lock = NSLock()
    private var _outcomes: [TaskOutcome] = []
    private(set) var warnings: [String] = []

    var outcomes: [TaskOutcome] {
        lock.lock()
        defer { lock.unlock() }
        return _outcomes
    }

    func playStart(_ play: Play, hosts: [String]) {}
    func taskStart(_ name: String, location: SourceLocation?, isHandler: Bool) {}
    func hostResult(_ outcome: TaskOutcome) {
        lock.lock()
        _outcomes.append(outcome)
        lock.unlock()
    }
    func noHostsLeft() {}
    func warning(_ text: String) { warnings.append(text) }
    func recap(_ hosts: [HostState]) {}
}

/// What one playbook run did.
struct PlayRun {
    var code: Int32
    var outcomes: [TaskOutcome]

    /// The outcome of the task with this name (the last one, for loops).
    func task(_ name: String, file: StaticString = #filePath, line: UInt = #line) -> TaskOutcome {
        guard let o = outcomes.last(where: { $0.task == name }) else {
            XCTFail("no task named \(name); ran: \(outcomes.map(\.task))", file: file, line: line)
            return TaskOutcome(host: "", task: name, status: .failed, result: .failure("missing"), module: "")
        }
        return o
    }

    func statuses() -> [String: TaskOutcome.Status] {
        var d: [String: TaskOutcome.Status] = [:]
        for o in outcomes { d[o.task] = o.status }
        return d
    }

    var failures: [String] {
        outcomes.filter { $0.status == .failed || $0.status == .unreachable }
            .map { "\($0.task): \($0.result.msg ?? "")" }
    }
}

/// A scratch directory with a one-host local inventory; playbooks run in-process through
/// `PlaybookSession`, exactly as `opsctl play` does, against this machine.
final class Scratch {
    let dir: String

    init(_ name: String = #function) throws {
        let base = FileManager.default.temporaryDirectory.path + "/opsctl-modules-\(getpid())-"
        dir = base + name.filter { $0.isLetter || $0.isNumber } + "-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try write("inventory.yml", "all:\n  hosts:\n    local:\n      ansible_connection: local\n")
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    func path(_ name: String) -> String { dir + "/" + name }

    func write(_ name: String, _ text: String) throws {
        let p = path(name)
        try FileManager.default.createDirectory(
            atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: p, atomically: true, encoding: .utf8)
    }

    func read(_ name: String) -> String? { try? String(contentsOfFile: path(name), encoding: .utf8) }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    /// Tasks (YAML, indented as a list under `tasks:`) in a one-play playbook on `local`.
    func playbook(_ tasks: String, vars: String = "") -> String {
        """
        - hosts: local
          gather_facts: false
          vars:
            dir: \(dir)
        \(vars)
          tasks:
        \(tasks.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))

        """
    }

    func load(_ tasks: String, name: String = "site.yml") throws -> PlaybookSession {
        try write(name, playbook(tasks))
        return try PlaybookSession(playbookPath: path(name), inventoryPaths: [path("inventory.yml")],
            reader: DiskSourceReader())
    }

    func run(_ tasks: String, check: Bool = false, diff: Bool = false, extraVars: ValueDict = ValueDict()) throws
        -> PlayRun
    {
        let session = try load(tasks)
        var options = RunOptions()
        options.checkMode = check
        options.diffMode = diff
        options.extraVars = extraVars
        let events = ModuleTestEvents()
        let code = try session.run(
            options: options, overrides: ConnectionOverrides(), events: events,
            logger: Logger(label: "opsctl.tests"))
        return PlayRun(code: code, outcomes: events.outcomes)
    }

    /// The loader's error for a playbook that must not load (it must name site.yml:line:col).
    func loadError(_ tasks: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try load(tasks)
            XCTFail("the playbook loaded, but should not have", file: file, line: line)
            return ""
        } catch {
            let text = "\(error)"
            XCTAssertTrue(
                text.range(of: #"site\.yml:\d+:\d+"#, options: .regularExpression) != nil,
                "no file:line:col in: \(text)", file: file, line: line)
            return text
        }
    }
}

extension TaskOutcome {
    func value(_ key: String) -> Value? { result.values[key] }
    func string(_ key: String) -> String? { result.values[key]?.stringValue }
}
