import ArgumentParser
import Logging
import OpsLab

/// Options every `lab` verb takes.
struct LabOptions: ParsableArguments {
    @Option(help: "Where generated inventory files go (default: inventories/lab of this opsctl checkout).")
    var inventoryDir: String?

    @Option(help: "Where the lab keeps its base image, per-host layers and console logs.")
    var stateDir: String = LabPaths.defaultStateDirectory

    @Flag(name: .shortAndLong, help: "Show every command the lab runs.")
    var verbose = false

    /// `down` and `status` take the inventory directory from the lab's state, so they work from
    /// anywhere; only `up` needs to know where to write one.
    func makeLab(writesInventory: Bool) throws -> Lab {
        var logger = Logger(label: "opsctl.lab") { _ in LabLogHandler() }
        logger.logLevel = verbose ? .debug : .info
        let inventory: String
        if let inventoryDir {
            inventory = inventoryDir
        } else if writesInventory {
            inventory = try LabPaths.defaultInventoryDirectory()
        } else {
            inventory = (try? LabPaths.defaultInventoryDirectory()) ?? stateDir + "/inventory"
        }
        return Lab(paths: LabPaths(stateDirectory: stateDir, inventoryDirectory: inventory), logger: logger)
    }
}
