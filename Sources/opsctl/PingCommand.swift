import ArgumentParser
import Foundation
import OpsCore
import OpsEngine

struct PingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping", abstract: "Connect to every matching host and run a no-op: proves SSH, keys and login.")

    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "Host pattern.")
    var pattern: String = "all"

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
        let summary = try runner.run(command: "echo pong", on: hosts, forks: connection.forks, timeout: nil,
            printer: printer)
        AdHocReport.print(summary, to: printer, colour: output.colour)
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }
}
