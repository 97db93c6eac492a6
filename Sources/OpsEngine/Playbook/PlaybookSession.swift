import Foundation
import Jinja
import Logging
import OpsCore
import OpsTransport

/// What `opsctl play` does, behind the CLI: load and check everything, then list or run.
public struct PlaybookSession {
    public let playbook: Playbook
    public let inventory: Inventory
    public let loader: PlaybookLoader
    public let templar: Templar

    /// Loads the inventory and the whole playbook (includes, roles, module arguments) before any
    /// host is contacted; every error names file:line:col.
    public init(playbookPath: String, inventoryPaths: [String], reader: any SourceReader) throws {
        inventory = try InventoryLoader(reader: reader).load(inventoryPaths)
        loader = PlaybookLoader(reader: reader, catalog: ModuleRegistry.catalog)
        playbook = try loader.load(playbookPath)
        let dir = directoryOf(playbookPath)
        let environment = Jinja.Environment(
            options: .ansible, loader: FileTemplateLoader(roots: [joinPath(dir, "templates"), dir]))
        templar = Templar(environment: environment)
        try checkExpressions()
    }

    /// Compiles every `when`/`changed_when`/`failed_when`/`until` now, so a syntax error stops
    /// the run before it starts.
    private func checkExpressions() throws {
        func check(_ items: [TaskItem]) throws {
            for item in items {
                switch item {
                case .task(let t):
                    for e in t.keywords.when + (t.changedWhen ?? []) + (t.failedWhen ?? []) + (t.until ?? []) {
                        do { _ = try templar.compile(e) } catch let error as TemplarError {
                            throw InputError(error.underlying.message, at: e.location)
                        }
                    }
                case .block(let b):
                    for e in b.keywords.when {
                        do { _ = try templar.compile(e) } catch let error as TemplarError {
                            throw InputError(error.underlying.message, at: e.location)
                        }
                    }
                    try check(b.block + b.rescue + b.always)
                case .include(let i): try check(i.preloaded ?? [])
                }
            }
        }
        for play in playbook.plays {
            try check(play.preTasks + play.tasks + play.postTasks + play.handlers)
            for role in play.roles { try check(role.tasks + role.handlers) }
        }
    }

    /// `--list-hosts`.
    public func listHosts(limit: String?, extraVars: ValueDict) throws -> String {
        var out = "\nplaybook: \(playbook.path)\n"
        for play in playbook.plays {
            let pattern = try templar.templateString(play.hosts, extraVars)
            var hosts = try HostPattern(pattern).hosts(in: inventory)
            if let limit {
                let allowed = Set(try HostPattern(limit).hosts(in: inventory))
                hosts = hosts.filter { allowed.contains($0) }
            }
            out += "\n  play #\(playbook.plays.firstIndex(of: play)! + 1) (\(play.hosts)): \(play.name)\tTAGS: []\n"
            out += "    pattern: ['\(play.hosts)']\n    hosts (\(hosts.count)):\n"
            for h in hosts { out += "      \(h)\n" }
        }
        return out
    }

    /// `--list-tasks`.
    public func listTasks() -> String {
        var out = "\nplaybook: \(playbook.path)\n"
        func list(_ items: [TaskItem], _ tags: [String]) {
            for item in items {
                switch item {
                case .task(let t):
                    let all = tags + t.keywords.tags
                    out += "      \(t.displayName)\tTAGS: [\(all.joined(separator: ", "))]\n"
                case .block(let b): list(b.block + b.rescue + b.always, tags + b.keywords.tags)
                case .include(let i): list(i.preloaded ?? [], tags + i.keywords.tags)
                }
            }
        }
        for (n, play) in playbook.plays.enumerated() {
            out += "\n  play #\(n + 1) (\(play.hosts)): \(play.name)\tTAGS: [\(play.keywords.tags.joined(separator: ", "))]\n"
            out += "    tasks:\n"
            list(play.preTasks, play.keywords.tags)
            for role in play.roles { list(role.tasks, play.keywords.tags + role.keywords.tags) }
            list(play.tasks + play.postTasks, play.keywords.tags)
        }
        return out
    }

    public func run(
        options: RunOptions, overrides: ConnectionOverrides, events: RunEvents, logger: Logger
    ) throws -> Int32 {
        let pool = ConnectionPool { settings in try TransportFactory.make(for: settings, logger: logger) }
        defer { pool.closeAll() }
        let runner = PlaybookRunner(
            playbook: playbook, inventory: inventory, options: options, pool: pool, overrides: overrides,
            events: events, templar: templar, loader: loader, logger: logger)
        return try runner.run()
    }
}
