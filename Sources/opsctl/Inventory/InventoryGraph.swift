import ArgumentParser
import OpsCore
import Jinja

struct InventoryGraph: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph", abstract: "Show the group tree (like ansible-inventory --graph).")

    @OptionGroup var inventoryOptions: InventoryOptions

    @Argument(help: "Group to start from.")
    var group: String = "all"

    @Flag(help: "Show variables set on each group and host.")
    var vars = false

    func run() throws {
        let inventory = try inventoryOptions.load()
        guard inventory.group(group) != nil else {
            let hint = Suggestion.closest(to: group, in: inventory.groupNames).map { " (did you mean \"\($0)\"?)" }
            throw ValidationError("no group \"\(group)\" in the inventory\(hint ?? "")")
        }
        print(inventory.graph(from: group, withVars: vars))
    }
}
