@preconcurrency import Yams
import Foundation
import Jinja
import OpsCore
import OpsTransport

/// One task on one host: conditions, loop, argument templating, privilege escalation, the module
/// call with retries/until, changed_when/failed_when, and the value `register:` stores.
struct TaskExecutor {
    let runner: PlaybookRunner
    let play: PlayContext
    let task: Task
    let keywords: InheritedKeywords
    let host: String
    /// The task's own variables with `ansible_search_path`, built once per task for all its hosts.
    let taskVars: ValueDict
    /// Where the last module call ran when delegated (`ok: [app1 -> db1]`); set by makeContext.
    private let delegation = DelegationNote()

    private final class DelegationNote {
        var target: String?
    }

    struct HostResult {
        var registered: Value = .dict(ValueDict())
        var changed = false
        var failed = false
        var skipped = false
        var unreachable = false
        var ignored = false
        var facts: ValueDict?
        var gatheredFacts: ValueDict?
    }

    func run() -> HostResult {
        let scope = play.scope(for: host, taskVars: taskVars)
        do {
            if let loopNode = task.loop { return try runLoop(loopNode, scope) }
            if !(try runner.conditionsHold(keywords.when, scope)) { return skip(scope) }
            let (result, _) = try runModule(scope, item: nil)
            return finish(result, item: nil)
        } catch let error as TransportError where error.isUnreachable {
            var r = ModuleResult.failure(error.description)
            r.values["unreachable"] = true
            report(r, status: .unreachable, item: nil)
            return HostResult(registered: r.registered, failed: true, unreachable: true)
        } catch {
            let r = ModuleResult.failure(message(for: error))
            return finish(r, item: nil)
        }
    }

    private func message(for error: Error) -> String {
        if let e = error as? TemplarError { return e.description }
        if let e = error as? TransportError {
            if case .timeout = e, let limit = keywords.timeout, limit > 0 {
                // Ansible's words for a task that ran past its `timeout`.
                let seconds = limit == limit.rounded() ? String(Int(limit)) : String(limit)
                return "The \(task.module) action failed to execute in the expected time frame (\(seconds)) and was terminated"
            }
            return e.description
        }
        if let e = error as? ModuleError { return e.description }
        return "\(error)"
    }

    private func skip(_ scope: VariableScope) -> HostResult {
        var r = ModuleResult()
        r.skipped = true
        r.values["skip_reason"] = "Conditional result was False"
        if let c = keywords.when.last { r.values["false_condition"] = .string(c.text) }
        report(r, status: .skipped, item: nil)
        return HostResult(registered: r.registered, skipped: true)
    }

    private func ignoring() throws -> Bool {
        guard let ie = keywords.ignoreErrors else { return false }
        switch ie {
        case .literal(let b): return b
        case .template(let e):
            return try runner.templar.isTrue(e, play.scope(for: host, taskVars: taskVars))
        }
    }

    /// Reports and converts a single (non-loop) result.
    private func finish(_ result: ModuleResult, item: Value?) -> HostResult {
        let ignore = result.failed && ((try? ignoring()) ?? false)
        let status: TaskOutcome.Status =
            result.failed ? .failed : result.skipped ? .skipped : result.changed ? .changed : .ok
        report(result, status: status, item: nil, ignored: ignore)
        return HostResult(
            registered: result.registered, changed: result.changed, failed: result.failed && !ignore,
            skipped: result.skipped, ignored: ignore, facts: result.facts,
            gatheredFacts: result.values["ansible_facts"].flatMap { task.module == "setup" ? $0.dictValue : nil })
    }

    private func report(_ result: ModuleResult, status: TaskOutcome.Status, item: String?, ignored: Bool = false) {
        let noLog = (try? flag(keywords.noLog)) ?? false
        runner.events.hostResult(
            TaskOutcome(
                host: host, task: task.displayName, status: status, result: result, item: item,
                delegatedTo: delegation.target, ignored: ignored, noLog: noLog, module: task.module, location: task.location))
    }

    private func flag(_ t: Templatable<Bool>?) throws -> Bool? {
        switch t {
        case nil: return nil
        case .literal(let b)?: return b
        case .template(let e)?:
            return try runner.templar.isTrue(e, play.scope(for: host, taskVars: taskVars))
        }
    }

    // MARK: Loops

    private func runLoop(_ loopNode: Node, _ scope: VariableScope) throws -> HostResult {
        var items = try runner.templar.template(Value(yaml: loopNode), scope, at: task.location)
        if let lookup = task.loopLookup { items = try runner.templar.loopItems(lookup, terms: items, task, scope) }
        if case .string(let s) = items, !s.isEmpty {
            throw ModuleError("loop must be a list, got the string \"\(s)\" (did you mean \"{{ \(s) }}\"?)")
        }
        if items.isNone { items = .list([]) }
        if task.loopOverMapping, let d = items.dictValue {
            items = .list(d.pairs.map { .dict(["key": $0.0, "value": $0.1]) })
        }
        guard var list = items.listValue else {
            throw ModuleError("loop must be a list, got \(items.typeName) (use dict2items for a mapping)")
        }
        if task.loopFlatten {
            list = list.flatMap { $0.listValue ?? [$0] }
        }
        let control = task.loopControl
        var results: [Value] = []
        var changed = false, failed = false, allSkipped = !list.isEmpty
        var facts: ValueDict?
        for (i, item) in list.enumerated() {
            var layer = ValueDict()
            layer[control.loopVar] = item
            layer["ansible_loop_var"] = .string(control.loopVar)
            if let iv = control.indexVar {
                layer[iv] = .int(i)
                layer["ansible_index_var"] = .string(iv)
            }
            if control.extended {
                layer["ansible_loop"] = .dict([
                    "index": .int(i + 1), "index0": .int(i), "first": .bool(i == 0), "last": .bool(i == list.count - 1),
                    "length": .int(list.count), "revindex": .int(list.count - i), "revindex0": .int(list.count - i - 1),
                    "allitems": .list(list), "previtem": i > 0 ? list[i - 1] : .undefined(Undefined(name: "previtem")),
                    "nextitem": i + 1 < list.count ? list[i + 1] : .undefined(Undefined(name: "nextitem")),
                ])
            }
            let itemScope = scope.adding(layer)
            let label = try itemLabel(item, itemScope)
            var result: ModuleResult
            do {
                if !(try runner.conditionsHold(keywords.when, itemScope)) {
                    result = ModuleResult()
                    result.skipped = true
                    result.values["skip_reason"] = "Conditional result was False"
                } else {
                    result = try runModule(itemScope, item: item).0
                }
            } catch let error as TransportError where error.isUnreachable {
                throw error
            } catch {
                result = .failure(message(for: error))
            }
            let status: TaskOutcome.Status =
                result.failed ? .failed : result.skipped ? .skipped : result.changed ? .changed : .ok
            report(result, status: status, item: label)
            if case .dict(var d) = result.registered {
                d[.string(control.loopVar)] = item
                d["ansible_loop_var"] = .string(control.loopVar)
                if let iv = control.indexVar { d[.string(iv)] = .int(i) }
                results.append(.dict(d))
            }
            changed = changed || result.changed
            failed = failed || result.failed
            allSkipped = allSkipped && result.skipped
            if let f = result.facts {
                facts = facts ?? ValueDict()
                for (k, v) in f.pairs { facts![k] = v }
            }
            if let pause = control.pause, pause > 0, i + 1 < list.count { Thread.sleep(forTimeInterval: pause) }
        }
        var registered = ValueDict()
        registered["results"] = .list(results)
        registered["changed"] = .bool(changed)
        registered["failed"] = .bool(failed)
        registered["msg"] = .string(failed ? "One or more items failed" : "All items completed")
        registered["skipped"] = .bool(allSkipped)
        let ignore = try failed && ignoring()
        return HostResult(
            registered: .dict(registered), changed: changed, failed: failed && !ignore, skipped: allSkipped,
            ignored: ignore, facts: facts)
    }

    private func itemLabel(_ item: Value, _ scope: VariableScope) throws -> String {
        if let label = task.loopControl.label {
            return PlaybookValues.string(try runner.templar.template(Value(yaml: label), scope, at: task.location))
        }
        if case .string(let s) = item { return s }
        return (try? item.pythonRepr()) ?? "?"
    }

    // MARK: The module call

    /// Runs the module once, with retries/until; returns the result after changed_when/failed_when.
    private func runModule(_ scope: VariableScope, item: Value?) throws -> (ModuleResult, Int) {
        guard let module = ModuleRegistry.module(task.module) else {
            throw ModuleError("no module \(task.module)")
        }
        var args = ValueDict()
        for (name, node, location) in task.args {
            args[name] = try runner.templar.template(Value(yaml: node), scope, at: location)
        }
        let arguments = ModuleArguments(module: task.module, values: args)
        let context = try makeContext(scope, controlOnly: module.spec.controlOnly)
        let retries = try task.retries.map { try intValue($0, scope, "retries") } ?? 0
        let delay = try task.delay.map { try intValue($0, scope, "delay") } ?? 5
        let attemptsAllowed = task.until == nil ? 1 : max(retries, 0) + 1
        var attempt = 0
        while true {
            attempt += 1
            var result = try module.run(arguments, context)
            try applyConditions(&result, scope)
            guard let until = task.until else { return (result, attempt) }
            result.values["attempts"] = .int(attempt)
            let untilScope = registeredScope(scope, result)
            if try runner.conditionsHold(until, untilScope) { return (result, attempt) }
            if attempt >= attemptsAllowed {
                result.failed = true
                if result.msg == nil { result.msg = "Retries exhausted (\(attempt) attempts): \(until.map(\.text).joined(separator: " and ")) stayed false" }
                return (result, attempt)
            }
            runner.events.warning("\(host): FAILED - RETRYING: \(task.displayName) (\(attemptsAllowed - attempt) retries left)")
            if delay > 0 { Thread.sleep(forTimeInterval: Double(delay)) }
        }
    }

    private func intValue(_ node: Node, _ scope: VariableScope, _ what: String) throws -> Int {
        let v = try runner.templar.template(Value(yaml: node), scope, at: task.location)
        if let i = v.intValue { return i }
        if case .string(let s) = v, let i = Int(s) { return i }
        throw ModuleError("\(what) must be an integer, got \(PlaybookValues.string(v))")
    }

    private func registeredScope(_ scope: VariableScope, _ result: ModuleResult) -> VariableScope {
        guard let register = task.register else { return scope }
        var layer = ValueDict()
        layer[register] = result.registered
        return scope.adding(layer)
    }

    /// changed_when / failed_when see the result under the `register:` name, as in Ansible.
    private func applyConditions(_ result: inout ModuleResult, _ scope: VariableScope) throws {
        guard task.changedWhen != nil || task.failedWhen != nil else { return }
        let s = registeredScope(scope, result)
        if let cw = task.changedWhen { result.changed = try runner.conditionsHold(cw, s) }
        if let fw = task.failedWhen {
            let failed = try fw.contains { try runner.templar.isTrue($0, s) }
            result.failed = failed
            result.values["failed_when_result"] = .bool(failed)
            if !failed && result.msg == "non-zero return code" { result.msg = nil }
        }
    }

    private func makeContext(_ scope: VariableScope, controlOnly: Bool) throws -> ModuleContext {
        var target = host
        if let d = keywords.delegateTo {
            target = PlaybookValues.string(try runner.templar.template(Value(yaml: d), scope, at: task.location))
        }
        delegation.target = target == host ? nil : target
        let checkMode = try flag(keywords.checkMode) ?? runner.options.checkMode
        let diffMode = try flag(keywords.diff) ?? runner.options.diffMode
        var environment: [(String, String)] = []
        if let envNode = keywords.environment {
            let env = try runner.templar.template(Value(yaml: envNode), scope, at: task.location)
            guard let d = env.dictValue else { throw ModuleError("environment must be a mapping of names to values") }
            for (k, v) in d.pairs { environment.append((PlaybookValues.string(k), PlaybookValues.string(v))) }
        }
        let settings: ConnectionSettings? = controlOnly ? nil : try runner.connections.settings(for: target)
        var become: Become?
        let becomeWanted = try flag(keywords.become) ?? PlaybookValues.bool(try scope.resolve("ansible_become") ?? .bool(false)) ?? false
        if becomeWanted, let settings {
            let user = try keywords.becomeUser
                ?? scope.resolve("ansible_become_user").map(PlaybookValues.string) ?? "root"
            let password = try (scope.resolve("ansible_become_password") ?? scope.resolve("ansible_become_pass")
                ?? scope.resolve("ansible_sudo_pass")).map(PlaybookValues.string)
            // Already that user: sudo would only cost a process and a prompt.
            let alreadyThatUser =
                settings.kind == .ssh ? settings.user == user : ProcessInfo.processInfo.userName == user
            if !alreadyThatUser { become = Become(user: user, password: password) }
        }
        let pool = runner.pool
        return ModuleContext(
            host: target, checkMode: checkMode, diffMode: diffMode, logger: runner.logger, templar: runner.templar,
            scope: scope, task: task,
            connect: {
                guard let settings else { throw ModuleError("\(task.module) runs on the control node only") }
                return try pool.transport(for: settings)
            }, become: become, environment: environment,
            commandTimeout: settings?.commandTimeout, taskTimeout: keywords.timeout.flatMap { $0 > 0 ? $0 : nil })
    }
}
