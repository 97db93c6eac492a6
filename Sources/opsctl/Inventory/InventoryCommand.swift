import ArgumentParser

struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Show an inventory's hosts, groups and merged variables.",
        subcommands: [InventoryList.self, InventoryGraph.self, InventoryHost.self],
        defaultSubcommand: InventoryList.self)
}
