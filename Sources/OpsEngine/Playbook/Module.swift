import Foundation
import Jinja
import OpsCore

/// A module: what it accepts (`spec`, checked when the playbook loads) and what it does on one
/// host. To add one, copy a small module file (Modules/DebugModule.swift, Modules/StatModule.swift),
/// change the spec and `run`, and list the type in `ModuleRegistry.all`.
public protocol Module {
    static var spec: ModuleSpec { get }
    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult
}

/// What a module reports. `values` carries its documented Ansible return values (same names
/// and types, because playbooks assert on them); `changed`, `failed` and `msg` are added when
/// the result is registered.
public struct ModuleResult {
    public var changed = false
    public var failed = false
    public var skipped = false
    public var msg: String?
    public var values = ValueDict()
    /// Content changes for `--diff`.
    public var diffs: [FileDiff] = []
    /// Facts the module sets on the host (`set_fact`, fact gathering).
    public var facts: ValueDict?
    /// `meta:` actions for the runner.
    public var meta: MetaAction?
    public var warnings: [String] = []

    public init(changed: Bool = false, failed: Bool = false, msg: String? = nil, values: ValueDict = ValueDict()) {
        self.changed = changed
        self.failed = failed
        self.msg = msg
        self.values = values
    }

    public static func failure(_ msg: String, _ values: ValueDict = ValueDict()) -> ModuleResult {
        ModuleResult(failed: true, msg: msg, values: values)
    }

    /// The dictionary `register:` stores.
    public var registered: Value {
        var d = values
        d["changed"] = .bool(changed)
        d["failed"] = .bool(failed)
        if let msg, d["msg"] == nil { d["msg"] = .string(msg) }
        if skipped { d["skipped"] = .bool(true) }
        if !diffs.isEmpty, d["diff"] == nil {
            d["diff"] = .list(diffs.map { .dict(["before": .string($0.before), "after": .string($0.after),
                "before_header": .string($0.beforeHeader), "after_header": .string($0.afterHeader)]) })
        }
        return .dict(d)
    }
}

public enum MetaAction: String, Sendable {
    case flushHandlers = "flush_handlers"
    case noop
    case endPlay = "end_play"
    case endHost = "end_host"
    case clearFacts = "clear_facts"
    case clearHostErrors = "clear_host_errors"
    case refreshInventory = "refresh_inventory"
    case resetConnection = "reset_connection"
}

/// Before and after of one file, for `--diff`.
public struct FileDiff: Sendable {
    public var path: String
    public var before: String
    public var after: String
    public var beforeHeader: String
    public var afterHeader: String

    public init(path: String, before: String, after: String, beforeHeader: String? = nil, afterHeader: String? = nil) {
        self.path = path
        self.before = before
        self.after = after
        self.beforeHeader = beforeHeader ?? path
        self.afterHeader = afterHeader ?? path
    }
}

/// A module failed before or while talking to the host for a reason worth a clear message.
public struct ModuleError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
