import Foundation
import Jinja
import OpsCore

/// One play's running state: its variable layers, handlers, the current batch, and whether the
/// play was aborted (any_errors_fatal, max_fail_percentage, end_play).
final class PlayContext {
    let play: Play
    unowned let runner: PlaybookRunner
    /// Role defaults (lowest), then — above inventory and facts — play vars, vars_files, role vars.
    let roleDefaults: ValueDict
    let playLayers: [ValueDict]
    let handlers: [Task]
    var batch: [String] = []
    var aborted = false
    let groups: Value

    init(play: Play, runner: PlaybookRunner) throws {
        self.play = play
        self.runner = runner
        var defaults = ValueDict()
        var roleVars = ValueDict()
        var handlers: [Task] = []
        for role in play.roles {
            for (k, v) in PlaybookValues.dict(role.defaults).pairs { defaults[k] = v }
            for (k, v) in PlaybookValues.dict(role.vars).pairs { roleVars[k] = v }
        }
        roleDefaults = defaults
        var files = ValueDict()
        for (pathNode, vars) in play.varsFiles {
            let loaded: VariableSet
            if let vars {
                loaded = vars
            } else {
                // A templated vars_files name: resolved with extra vars and play vars, then read.
                let name = try runner.templar.templateString(
                    pathNode.scalar?.string ?? "", runner.options.extraVars, at: play.location)
                loaded = try runner.loader.readVarsFile(joinPath(play.baseDirectory, name))
            }
            for (k, v) in PlaybookValues.dict(loaded).pairs { files[k] = v }
        }
        playLayers = [PlaybookValues.dict(play.keywords.vars), files, roleVars]
        func collect(_ items: [TaskItem]) -> [Task] {
            items.flatMap { item -> [Task] in
                switch item {
                case .task(let t): return [t]
                case .block(let b): return collect(b.block + b.rescue + b.always)
                case .include(let i): return collect(i.preloaded ?? [])
                }
            }
        }
        self.handlers = collect(play.handlers) + play.roles.flatMap { collect($0.handlers) }
        var g = ValueDict()
        for (name, members) in runner.inventory.groupMembership { g[name] = .list(members.map(Value.string)) }
        groups = .dict(g)
    }

    func liveHosts() -> [String] {
        batch.filter { h in
            guard let s = runner.hosts[h] else { return false }
            return !s.failed && !s.unreachable && !s.ended
        }
    }

    /// The scope a task sees on `host`, with the keyword vars of its blocks and itself on top.
    func scope(for host: String, taskVars: ValueDict) -> VariableScope {
        let state = runner.hosts[host]!
        var layers = [roleDefaults, state.inventoryVars, state.factLayer]
        layers += playLayers
        if !taskVars.isEmpty { layers.append(taskVars) }
        layers.append(state.hostVars)
        layers.append(runner.options.extraVars)
        return VariableScope(layers: layers, templar: runner.templar) { [unowned self] name in
            self.magic(name, host: host)
        }
    }

    /// Ansible's magic variables, computed when a template asks.
    func magic(_ name: String, host: String) -> Value? {
        switch name {
        case "inventory_hostname": return .string(host)
        case "inventory_hostname_short": return .string(String(host.prefix { $0 != "." }))
        case "group_names": return .list(runner.inventory.groupNames(of: host).map(Value.string))
        case "groups": return groups
        case "hostvars":
            return .object(HostVarsObject { [unowned self] other in
                guard self.runner.hosts[other] != nil else { return nil }
                return self.scope(for: other, taskVars: ValueDict())
            })
        case "play_hosts", "ansible_play_batch": return .list(liveHosts().map(Value.string))
        case "ansible_play_hosts", "ansible_play_hosts_all": return .list(batch.map(Value.string))
        case "ansible_check_mode": return .bool(runner.options.checkMode)
        case "ansible_diff_mode": return .bool(runner.options.diffMode)
        case "playbook_dir": return .string(absolute(play.baseDirectory))
        case "ansible_play_name": return .string(play.name)
        case "omit": return .string(PlaybookValues.omitToken)
        case "ansible_version": return .dict(["full": "2.16.0", "major": 2, "minor": 16, "revision": 0, "string": "2.16.0"])
        case "inventory_dir", "inventory_file": return nil
        default: return nil
        }
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// After a task: any_errors_fatal fails the play at the first failure; max_fail_percentage
    /// when the share of failed hosts in the batch *exceeds* it, as Ansible does.
    func checkFailureLimits(anyErrorsFatal: Bool = false) throws -> Bool {
        let failed = batch.filter { runner.hosts[$0]!.failed || runner.hosts[$0]!.unreachable }
        guard !failed.isEmpty else { return false }
        if anyErrorsFatal || play.keywords.anyErrorsFatal == true {
            for h in batch { runner.hosts[h]!.failed = true }
            aborted = true
            return true
        }
        if let limit = play.maxFailPercentage {
            let pct = Double(failed.count) / Double(batch.count) * 100
            if pct > limit {
                aborted = true
                return true
            }
        }
        return false
    }
}
