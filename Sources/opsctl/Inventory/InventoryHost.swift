import ArgumentParser
import OpsCore
import Jinja

struct InventoryHost: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host", abstract: "Show one host's merged variables, in precedence order applied.")

    @OptionGroup var inventoryOptions: InventoryOptions

    @Argument(help: "Host name.")
    var name: String

    @Flag(help: "Show where each variable was set (file:line:col).")
    var origin = false

    func run() throws {
        let inventory = try inventoryOptions.load()
        guard inventory.host(name) != nil else {
            let hint = Suggestion.closest(to: name, in: inventory.hosts.map(\.name)).map { " (did you mean \"\($0)\"?)" }
            throw ValidationError("no host \"\(name)\" in the inventory\(hint ?? "")")
        }
        print(InventoryReport.hostVariables(name, in: inventory, withOrigin: origin), terminator: "")
    }
}
