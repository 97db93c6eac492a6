import ArgumentParser
import Foundation
import OpsCore
import OpsEngine

struct PlayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Run an Ansible-format playbook against an inventory.",
        discussion: """
            Exit codes: 0 success, 1 usage or syntax error (nothing was run), 2 a host failed, \
            4 a host was unreachable.
            """)

    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The playbook file.")
    var playbook: String

    @Option(name: [.short, .customLong("limit")], help: "Further limit the hosts with a pattern.")
    var limit: String?

    @Option(name: [.short, .customLong("tags")], help: "Only run tasks with these tags (comma-separated).")
    var tags: [String] = []

    @Option(name: .customLong("skip-tags"), help: "Skip tasks with these tags (comma-separated).")
    var skipTags: [String] = []

    @Option(name: [.short, .customLong("extra-vars")], help: "key=value, @file.yml or a {mapping}; repeatable.")
    var extraVars: [String] = []

    @Flag(name: [.customShort("C"), .customLong("check")], help: "Report what would change; change nothing.")
    var check = false

    @Flag(name: [.customShort("D"), .customLong("diff")], help: "Show the differences in changed files.")
    var diff = false

    @Flag(name: .customLong("list-hosts"), help: "List the hosts each play would run on, then stop.")
    var listHosts = false

    @Flag(name: .customLong("list-tasks"), help: "List the tasks, then stop.")
    var listTasks = false

    @Flag(name: .customLong("syntax-check"), help: "Load and check the playbook, then stop.")
    var syntaxCheck = false

    @Option(name: .customLong("start-at-task"), help: "Start at the task with this name.")
    var startAtTask: String?

    @Flag(name: .customLong("force-handlers"), help: "Run notified handlers even on hosts that failed.")
    var forceHandlers = false

    @Flag(name: .customLong("json"), help: "One JSON event per line instead of the human output.")
    var json = false

    func run() throws {
        let reader = DiskSourceReader()
        let session = try PlaybookSession(playbookPath: playbook, inventoryPaths: inventoryOptions.paths, reader: reader)
        let extra = try ExtraVars.parse(extraVars, reader: reader)
        if syntaxCheck {
            print("\nplaybook: \(playbook)")
            return
        }
        if listHosts || listTasks {
            if listHosts { print(try session.listHosts(limit: limit, extraVars: extra), terminator: "") }
            if listTasks { print(session.listTasks(), terminator: "") }
            return
        }
        var options = RunOptions()
        options.checkMode = check
        options.diffMode = diff
        options.forks = connection.forks
        options.limit = limit
        options.tags = tags.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        options.skipTags = skipTags.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        options.extraVars = extra
        options.startAtTask = startAtTask
        options.forceHandlers = forceHandlers
        options.verbosity = output.verbose
        let write: (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }
        let events: RunEvents =
            json
            ? JSONEvents(write: write)
            : HumanEvents(colour: output.colour, verbosity: output.verbose, showDiff: diff, write: write)
        let code = try session.run(
            options: options, overrides: connection.overrides, events: events, logger: output.makeLogger())
        if code != 0 { throw ExitCode(code) }
    }
}
