import ArgumentParser
import Foundation
import OpsCore
import OpsEngine

struct InventoryOptions: ParsableArguments {
    @Option(
        name: [.short, .customLong("inventory")],
        help: "Inventory file or directory (repeatable). Default: $OPSCTL_INVENTORY, else inventories/lab.")
    var inventory: [String] = []

    var paths: [String] {
        if !inventory.isEmpty { return inventory }
        if let env = ProcessInfo.processInfo.environment["OPSCTL_INVENTORY"], !env.isEmpty { return [env] }
        return ["inventories/lab"]
    }

    func load() throws -> Inventory {
        try InventoryLoader(reader: DiskSourceReader()).load(paths)
    }
}
