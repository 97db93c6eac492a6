import ArgumentParser
import Foundation
import OpsLab

struct LabStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each lab host's state: running, address, sshd answering, memory.",
        discussion: "Exit status 0 when every host is running with sshd answering, 1 otherwise (or no lab)."
    )

    @OptionGroup var options: LabOptions

    func run() throws {
        let status = try options.makeLab(writesInventory: false).status()
        guard status.exists else {
            print("lab is down")
            throw ExitCode(1)
        }
        Self.printTable(status)
        if let inventory = status.inventoryDirectory { print("inventory: \(inventory)") }
        guard status.isUp else { throw ExitCode(1) }
    }

    static func printTable(_ status: LabStatus) {
        let nameWidth = max(4, status.hosts.map(\.host.name.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String {
            text + String(repeating: " ", count: max(0, width - text.count))
        }
        print("\(pad("HOST", nameWidth))  \(pad("ADDRESS", 15))  \(pad("STATE", 8))  \(pad("SSH", 4))  MEMORY  GROUPS")
        for host in status.hosts {
            let memory = host.memoryKilobytes.map { String(format: "%.0fM", Double($0) / 1024) } ?? "-"
            let state = host.isRunning ? "running" : "stopped"
            let ssh = host.isSSHAnswering ? "yes" : "no"
            print(
                "\(pad(host.host.name, nameWidth))  \(pad(host.host.address, 15))  \(pad(state, 8))  \(pad(ssh, 4))  "
                    + "\(pad(memory, 6))  \(host.host.groups.joined(separator: ","))")
        }
        if status.totalMemoryKilobytes > 0 {
            print(String(format: "total memory: %.0f MiB", Double(status.totalMemoryKilobytes) / 1024))
        }
    }
}
