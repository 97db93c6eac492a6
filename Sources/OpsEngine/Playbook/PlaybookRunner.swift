import Foundation
import Jinja
import Logging
import OpsCore
import OpsTransport

/// Runs a loaded playbook with Ansible's linear strategy: each task on every host of the batch
/// in parallel (bounded by forks), one connection per host for the whole run, handlers at the
/// end of each section and on `meta: flush_handlers`.
public final class PlaybookRunner {
    let playbook: Playbook
    let inventory: Inventory
    let options: RunOptions
    let pool: ConnectionPool
    let overrides: ConnectionOverrides
    let events: RunEvents
    let logger: Logger
    let templar: Templar
    let loader: PlaybookLoader
    var hosts: [String: HostState] = [:]
    /// Set when `--start-at-task` is given and its task has not been reached yet.
    var waitingForStart: String?
    let connections: HostConnections

    public init(
        playbook: Playbook, inventory: Inventory, options: RunOptions, pool: ConnectionPool,
        overrides: ConnectionOverrides, events: RunEvents, templar: Templar, loader: PlaybookLoader, logger: Logger
    ) {
        self.playbook = playbook
        self.inventory = inventory
        self.options = options
        self.pool = pool
        self.overrides = overrides
        self.events = events
        self.templar = templar
        self.loader = loader
        self.logger = logger
        self.waitingForStart = options.startAtTask
        var states: [String: HostState] = [:]
        for h in inventory.hosts {
            states[h.name] = HostState(name: h.name, inventoryVars: PlaybookValues.dict(inventory.variables(for: h.name)))
        }
        let extra = options.extraVars
        self.connections = HostConnections(inventory: inventory, templar: templar, overrides: overrides) { host in
            // set_fact may change connection variables; extra vars beat everything.
            [states[host]?.hostVars ?? ValueDict(), extra]
        }
        self.hosts = states
    }

    /// 0 all well, 2 a host failed, 4 a host unreachable (and none failed).
    public func run() throws -> Int32 {
        var touched: [String] = []
        for play in playbook.plays {
            let selected = try selectHosts(play)
            for h in selected where !touched.contains(h) { touched.append(h) }
            let stop = try runPlay(play, hosts: selected)
            if stop { break }
        }
        let states = touched.compactMap { hosts[$0] }
        events.recap(states)
        if states.contains(where: { $0.stats.failed > 0 }) { return 2 }
        if states.contains(where: { $0.stats.unreachable > 0 }) { return 4 }
        return 0
    }

    /// The play's pattern (templated with extra vars), narrowed by `--limit`.
    func selectHosts(_ play: Play) throws -> [String] {
        let patternText = try templar.templateString(play.hosts, options.extraVars, at: play.location)
        var selected = try HostPattern(patternText).hosts(in: inventory)
        if selected.isEmpty, let local = implicitLocalhost(patternText) { return local }
        if let limit = options.limit {
            let allowed = Set(try HostPattern(limit).hosts(in: inventory))
            selected = selected.filter { allowed.contains($0) }
        }
        // As Ansible: a host that failed or was unreachable is out for the rest of the run.
        return selected.filter { hosts[$0].map { !$0.unreachable && !$0.failed } ?? false }
    }

    /// Ansible's implicit localhost: `hosts: localhost` runs on the control node when the
    /// inventory does not list it, with group `all`'s variables (a preflight play, say).
    /// `--limit` must name it too, as in Ansible.
    private func implicitLocalhost(_ pattern: String) -> [String]? {
        let name = pattern.trimmingCharacters(in: .whitespaces)
        guard name == "localhost" || name == "127.0.0.1", inventory.host(name) == nil else { return nil }
        if let limit = options.limit {
            let parts = limit.split(whereSeparator: { $0 == "," || $0 == ":" }).map(String.init)
            guard parts.contains(name) else { return [] }
        }
        if hosts[name] == nil {
            hosts[name] = HostState(
                name: name, inventoryVars: PlaybookValues.dict(inventory.variables(forGroup: "all")))
        }
        return hosts[name]!.unreachable ? [] : [name]
    }

    /// Returns true when the whole run must stop (any_errors_fatal, or every host gone).
    func runPlay(_ play: Play, hosts selected: [String]) throws -> Bool {
        events.playStart(play, hosts: selected)
        guard !selected.isEmpty else {
            events.warning("no hosts matched \"\(play.hosts)\"\(options.limit.map { " with --limit \($0)" } ?? "")")
            return false
        }
        for h in selected { hosts[h]!.ended = false }
        let context = try PlayContext(play: play, runner: self)
        for batch in play.batches(of: selected) {
            let outcome = try runBatch(batch, context)
            // Ansible's playbook executor: any_errors_fatal, max_fail_percentage, or a batch where
            // every host failed ends the whole run, not just this play.
            if outcome == .abortPlay { return true }
            if batch.allSatisfy({ hosts[$0]!.failed || hosts[$0]!.unreachable }) { return true }
        }
        return false
    }

    enum BatchOutcome { case done, abortPlay }

    func runBatch(_ batch: [String], _ play: PlayContext) throws -> BatchOutcome {
        play.batch = batch
        if play.play.gatherFacts {
            try runGatherFacts(play)
            if try play.checkFailureLimits() { return .abortPlay }
        }
        var sections: [(items: [TaskItem], keywords: InheritedKeywords)] = [(play.play.preTasks, play.play.keywords)]
        var main: [TaskItem] = play.play.roles.map { role in
            var k = role.keywords
            k.vars = role.params.merging(k.vars)
            return .block(Block(name: "role \(role.name)", block: role.tasks, keywords: k))
        }
        main += play.play.tasks
        sections.append((main, play.play.keywords))
        sections.append((play.play.postTasks, play.play.keywords))
        for section in sections {
            let live = play.liveHosts()
            if live.isEmpty {
                events.noHostsLeft()
                return .abortPlay
            }
            _ = try runItems(section.items, hosts: live, inherited: section.keywords, play)
            if play.aborted { return .abortPlay }
            try flushHandlers(play)
            if play.aborted { return .abortPlay }
        }
        if play.liveHosts().isEmpty {
            events.noHostsLeft()
            return .abortPlay
        }
        return .done
    }

    /// Runs notified handlers, in the order they are defined, on the hosts that notified them.
    func flushHandlers(_ play: PlayContext) throws {
        let force = options.forceHandlers || play.play.forceHandlers
        for handler in play.handlers {
            let names = [handler.name ?? ""] + handler.listen
            let targets = play.batch.filter { h in
                guard let state = hosts[h], !state.unreachable else { return false }
                if state.failed && !force { return false }
                return state.notified.contains { names.contains($0) }
            }
            guard !targets.isEmpty else { continue }
            events.taskStart(handler.displayName, location: handler.location, isHandler: true)
            let failed = try runTask(handler, hosts: targets, inherited: play.play.keywords, play, userTask: false)
            for h in failed { hosts[h]!.failed = true }
        }
        for h in play.batch { hosts[h]!.notified.removeAll() }
    }
}

extension PlaybookRunner {
    /// Ansible's implicit "Gathering Facts" task, run as the `setup` module on the batch.
    /// Facts are read even under --check (it changes nothing) and whatever the tags, as Ansible does.
    func runGatherFacts(_ play: PlayContext) throws {
        var keywords = InheritedKeywords()
        keywords.checkMode = .literal(false)
        let task = Task(
            name: "Gathering Facts", module: "setup", args: [], keywords: keywords, location: play.play.location,
            rolePath: nil, baseDirectory: play.play.baseDirectory)
        events.taskStart("Gathering Facts", location: play.play.location, isHandler: false)
        _ = try runTask(task, hosts: play.liveHosts(), inherited: play.play.keywords, play, userTask: false)
    }
}
