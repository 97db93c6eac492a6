@preconcurrency import Yams
import Foundation
import Jinja
import OpsCore
import OpsTransport

extension PlaybookRunner {
    /// The banner's name, templated as Ansible does it (with the first host's variables); left as
    /// written when it cannot be (a variable only registered later, say).
    func title(of task: Task, keywords: InheritedKeywords, host: String?, _ play: PlayContext) -> String {
        guard let name = task.name, Template.containsSyntax(name), let host else { return task.displayName }
        let scope = play.scope(for: host, taskVars: PlaybookValues.dict(keywords.vars))
        guard let rendered = try? templar.templateString(name, scope) else { return task.displayName }
        return task.displayName(named: rendered)
    }

    /// Runs one task on every live host in parallel; returns the hosts that failed it.
    func runTask(
        _ task: Task, hosts live: [String], inherited: InheritedKeywords, _ play: PlayContext, userTask: Bool
    ) throws -> Set<String> {
        let keywords = task.keywords.inheriting(from: inherited)
        // A task from the playbook: --start-at-task, tags and meta apply, and it gets a banner.
        // Handlers and fact gathering are announced by their callers.
        if userTask {
            if let start = waitingForStart {
                // Ansible matches the name alone or `role : name`.
                guard let name = task.name,
                    [name, task.displayName].contains(where: { $0 == start || Glob.matches(start, $0) })
                else { return [] }
                waitingForStart = nil
            }
            guard selectedByTags(keywords.tags) else { return [] }
            if task.module == "meta" { return try runMeta(task, hosts: live, keywords: keywords, play) }
            events.taskStart(title(of: task, keywords: keywords, host: live.first, play), location: task.location,
                isHandler: false)
        }
        let runOnce = keywords.runOnce == true
        let targets = runOnce ? Array(live.prefix(1)) : live
        var taskVars = PlaybookValues.dict(keywords.vars)
        taskVars["ansible_search_path"] = Lookups.searchPath(for: task)
        let results = ParallelHosts.run(targets, forks: options.forks) { host in
            TaskExecutor(runner: self, play: play, task: task, keywords: keywords, host: host, taskVars: taskVars).run()
        }
        var failed = Set<String>()
        for (host, r) in zip(targets, results) {
            let applyTo = runOnce ? live : [host]
            for h in applyTo { apply(r, to: hosts[h]!, task: task, isFirst: h == host) }
            if r.unreachable {
                hosts[host]!.unreachable = true
                pool.discard(host)
            } else if r.failed {
                for h in applyTo {
                    hosts[h]!.failed = true
                    failed.insert(h)
                }
            }
        }
        _ = try play.checkFailureLimits(anyErrorsFatal: keywords.anyErrorsFatal == true && !failed.isEmpty)
        return failed
    }

    /// Registers, sets facts, notifies handlers, and counts for the recap.
    private func apply(_ r: TaskExecutor.HostResult, to state: HostState, task: Task, isFirst: Bool) {
        if let facts = r.facts { for (k, v) in facts.pairs { state.hostVars[k] = v } }
        if let gathered = r.gatheredFacts { for (k, v) in gathered.pairs { state.facts[k] = v } }
        if let register = task.register { state.hostVars[.string(register)] = r.registered }
        if r.changed && !r.failed { for n in task.notify { state.notify(n) } }
        guard isFirst else { return }
        if r.unreachable {
            state.stats.unreachable += 1
        } else if r.failed {
            state.stats.failed += 1
        } else if r.skipped {
            state.stats.skipped += 1
        } else {
            state.stats.ok += 1
            if r.changed { state.stats.changed += 1 }
            if r.ignored { state.stats.ignored += 1 }
        }
    }

    /// `meta:` acts on the run, not on hosts: flush_handlers once for the batch, end_play for all.
    private func runMeta(_ task: Task, hosts live: [String], keywords: InheritedKeywords, _ play: PlayContext) throws
        -> Set<String>
    {
        let action = MetaAction(rawValue: task.arg("_raw_params")?.scalar?.string ?? "") ?? .noop
        switch action {
        case .flushHandlers:
            try flushHandlers(play)
        case .endPlay:
            for h in play.batch { hosts[h]!.ended = true }
            play.aborted = true
        case .endHost:
            for h in live {
                let scope = play.scope(for: h, taskVars: PlaybookValues.dict(keywords.vars))
                if try conditionsHold(keywords.when, scope) { hosts[h]!.ended = true }
            }
        case .clearHostErrors:
            for h in play.batch { hosts[h]!.failed = false }
        case .clearFacts:
            for h in live { hosts[h]!.facts = ValueDict() }
        case .noop, .refreshInventory, .resetConnection:
            break
        }
        return []
    }
}
