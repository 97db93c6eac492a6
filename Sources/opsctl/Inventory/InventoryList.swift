import ArgumentParser
import OpsCore

struct InventoryList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List hosts (optionally those matching a pattern) with address and groups.")

    @OptionGroup var inventoryOptions: InventoryOptions

    @Argument(help: "Host pattern (all, a group, app*, a:b, a:&b, a:!b).")
    var pattern: String = "all"

    func run() throws {
        let inventory = try inventoryOptions.load()
        let hosts = try HostPattern(pattern).hosts(in: inventory)
        let width = hosts.map(\.count).max() ?? 4
        for name in hosts {
            let vars = inventory.variables(for: name)
            let address = vars.string("ansible_host") ?? name
            let groups = inventory.groupNames(of: name).joined(separator: ",")
            print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + address + "  " + groups)
        }
    }
}
