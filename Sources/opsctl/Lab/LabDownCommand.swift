import ArgumentParser
import Foundation
import OpsLab

struct LabDownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop the lab's hosts and remove their namespaces, links, mounts, layers and inventory.",
        discussion: "The cached base image, apt repository and console logs stay for the next `lab up`."
    )

    @OptionGroup var options: LabOptions

    func run() throws {
        let report = try options.makeLab(writesInventory: false).down()
        let seconds = String(format: "%.1f s", report.seconds)
        if report.stoppedContainers.isEmpty, report.removedNamespaces.isEmpty {
            print("lab down: nothing was running (\(seconds))")
        } else {
            print(
                "lab down: \(report.stoppedContainers.count) hosts stopped, "
                    + "\(report.removedNamespaces.count) namespaces removed in \(seconds)")
        }
    }
}
