@preconcurrency import Yams
import Foundation
import Jinja
import OpsCore

extension PlaybookRunner {
    /// Runs a list of task items on `hosts`; returns the hosts that failed in it (and were not
    /// rescued). A failed host drops out of the rest of the list.
    func runItems(_ items: [TaskItem], hosts start: [String], inherited: InheritedKeywords, _ play: PlayContext)
        throws -> Set<String>
    {
        var failed = Set<String>()
        var live = start
        for item in items {
            live = live.filter { !failed.contains($0) && !(hosts[$0]!.ended) && !(hosts[$0]!.unreachable) }
            if live.isEmpty || play.aborted { break }
            switch item {
            case .task(let task):
                failed.formUnion(try runTask(task, hosts: live, inherited: inherited, play, userTask: true))
            case .block(let block):
                failed.formUnion(try runBlock(block, hosts: live, inherited: inherited, play))
            case .include(let include):
                failed.formUnion(try runInclude(include, hosts: live, inherited: inherited, play))
            }
        }
        return failed
    }

    func runBlock(_ block: Block, hosts live: [String], inherited: InheritedKeywords, _ play: PlayContext) throws
        -> Set<String>
    {
        let keywords = block.keywords.inheriting(from: inherited)
        let blockFailed = try runItems(block.block, hosts: live, inherited: keywords, play)
        var failed = blockFailed
        if !blockFailed.isEmpty && !block.rescue.isEmpty {
            let rescueHosts = live.filter { blockFailed.contains($0) }
            // A host in rescue is no longer failed unless rescue fails too.
            // Ansible's recap counts a rescued failure as rescued, not failed.
            for h in rescueHosts {
                hosts[h]!.failed = false
                hosts[h]!.stats.rescued += 1
                hosts[h]!.stats.failed = max(0, hosts[h]!.stats.failed - 1)
            }
            failed = try runItems(block.rescue, hosts: rescueHosts, inherited: keywords, play)
        }
        if !block.always.isEmpty {
            let alwaysHosts = live.filter { !(hosts[$0]!.unreachable) }
            // `always` runs even for hosts that failed; their failure stands afterwards.
            for h in alwaysHosts where failed.contains(h) { hosts[h]!.failed = false }
            let alwaysFailed = try runItems(block.always, hosts: alwaysHosts, inherited: keywords, play)
            failed.formUnion(alwaysFailed)
        }
        for h in failed { hosts[h]!.failed = true }
        return failed
    }

    func runInclude(_ include: IncludeTasks, hosts live: [String], inherited: InheritedKeywords, _ play: PlayContext)
        throws -> Set<String>
    {
        let keywords = include.keywords.inheriting(from: inherited)
        // The file name may differ per host: group hosts by the file they include.
        var byFile: [(String, [String])] = []
        for h in live {
            let scope = play.scope(for: h, taskVars: PlaybookValues.dict(keywords.vars))
            if !(try conditionsHold(keywords.when, scope)) { continue }
            let name = try templar.templateString(include.file.scalar?.string ?? "", scope, at: include.location)
            if let i = byFile.firstIndex(where: { $0.0 == name }) { byFile[i].1.append(h) } else { byFile.append((name, [h])) }
        }
        var failed = Set<String>()
        for (name, group) in byFile {
            let items: [TaskItem]
            if let pre = include.preloaded {
                items = pre
            } else {
                items = try loader.loadTaskFile(name, baseDirectory: include.baseDirectory, rolePath: include.rolePath)
            }
            var k = keywords
            k.when = []
            guard let loopNode = include.loop else {
                failed.formUnion(try runItems(items, hosts: group, inherited: k, play))
                continue
            }
            // A looped include runs its tasks once per item; items can differ per host.
            for h in group {
                let scope = play.scope(for: h, taskVars: PlaybookValues.dict(keywords.vars))
                let list = try templar.template(Value(yaml: loopNode), scope, at: include.location).listValue ?? []
                for (i, item) in list.enumerated() where !failed.contains(h) {
                    var itemKeywords = k
                    itemKeywords.vars.set(include.loopControl.loopVar, PlaybookValues.node(item))
                    if let iv = include.loopControl.indexVar { itemKeywords.vars.set(iv, PlaybookValues.node(.int(i))) }
                    failed.formUnion(try runItems(items, hosts: [h], inherited: itemKeywords, play))
                }
            }
        }
        return failed
    }

    /// Tag selection as Ansible: `--skip-tags` wins; `always` runs unless skipped; `never` runs
    /// only when asked for; `tagged`/`untagged` select by having tags at all.
    func selectedByTags(_ tags: [String]) -> Bool {
        let set = Set(tags)
        if !set.isDisjoint(with: options.skipTags) { return false }
        if options.skipTags.contains("tagged") && !set.isEmpty { return false }
        if options.skipTags.contains("untagged") && set.isEmpty { return false }
        let requested = Set(options.tags)
        if requested.isEmpty || requested.contains("all") {
            return !set.contains("never") || !set.subtracting(["never"]).isDisjoint(with: requested)
        }
        if set.contains("always") { return true }
        if requested.contains("tagged") && !set.isEmpty { return true }
        if requested.contains("untagged") && set.isEmpty { return true }
        return !set.isDisjoint(with: requested)
    }

    func conditionsHold(_ conditions: [OpsCore.Expression], _ scope: VariableScope) throws -> Bool {
        for c in conditions where !(try templar.isTrue(c, scope)) { return false }
        return true
    }
}

