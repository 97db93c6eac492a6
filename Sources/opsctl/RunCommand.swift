import ArgumentParser
import Foundation
import OpsCore
import OpsEngine
import OpsTransport

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a shell command on every host matching a pattern, in parallel.",
        discussion: "Example: opsctl run app -i inventories/lab -- systemctl is-active detection-service")

    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .customLong("command-timeout"), help: "Seconds before a command is abandoned.")
    var commandTimeout: Double?

    @Flag(name: [.short, .customLong("become")], help: "Run the command through sudo.")
    var become = false

    @Option(name: .customLong("become-user"), help: "The user to become (default root).")
    var becomeUser = "root"

    @Argument(help: "Host pattern (all, a group, app*, a:b, a:&b, a:!b).")
    var pattern: String

    @Argument(parsing: .postTerminator, help: "The command, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the command after --, e.g. opsctl run all -- uptime") }
    }

    func run() throws {
        let logger = output.makeLogger()
        let inventory = try inventoryOptions.load()
        let pool = ConnectionPool(factory: Transports.factory(logger: logger))
        defer { pool.closeAll() }
        let runner = AdHocRunner(inventory: inventory, pool: pool, overrides: connection.overrides, logger: logger)
        let hosts = try runner.hosts(matching: try HostPattern(pattern))
        let printer = HostOutputPrinter(hosts: hosts, colour: output.colour) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        // A single argument is a shell string as typed; several are joined like ssh does.
        let line = command.count == 1 ? command[0] : command.joined(separator: " ")
        // The sudo password comes from the environment, never from argv (it would show in ps).
        let password = ProcessInfo.processInfo.environment["OPSCTL_BECOME_PASSWORD"]
        let summary = try runner.run(
            command: line, on: hosts, forks: connection.forks, timeout: commandTimeout,
            become: become ? Become(user: becomeUser, password: password) : nil, printer: printer)
        AdHocReport.print(summary, to: printer, colour: output.colour)
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }
}
