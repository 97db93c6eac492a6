import ArgumentParser
import Foundation
import OpsLab

struct LabUpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Create and boot the lab's hosts and write their inventory (does nothing if the lab is up).",
        discussion: """
            Default hosts: \(LabTopology.defaultHostNames.joined(separator: ",")). Groups come from the \
            names: lb* → lb and monitoring, app* → app, db* → db, backup* → backup. The first run \
            builds the base image with debootstrap (about a minute); later runs reuse it.
            """
    )

    @Option(help: "Comma-separated host names (e.g. lb1,app1,db1).")
    var hosts: String?

    @Option(help: "The lab's /24 subnet (default 10.213.0.0/24).")
    var subnet: String?

    @Option(help: "Seconds to wait for every host's sshd.")
    var bootTimeout: Double = 120

    @OptionGroup var options: LabOptions

    func validate() throws {
        do {
            _ = try requestedTopology()
        } catch let error as LabError {
            throw ValidationError(error.description)
        }
        guard bootTimeout > 0 else { throw ValidationError("--boot-timeout must be positive") }
    }

    /// nil: whatever lab is running, else the default hosts.
    func requestedTopology() throws -> LabTopology? {
        let network = try subnet.map { try LabNetwork(subnet: $0) } ?? LabNetwork()
        if let hosts { return try LabTopology(hostList: hosts, network: network) }
        return subnet == nil ? nil : try LabTopology(network: network)
    }

    func run() throws {
        let topology = try requestedTopology()
        let lab = try options.makeLab(writesInventory: true)
        lab.bootTimeout = bootTimeout
        let report = try lab.up(topology)
        if report.alreadyRunning {
            print("lab already up (\(report.status.hosts.count) hosts); nothing changed")
        } else {
            print(
                "lab up: \(report.status.hosts.count) hosts in \(Self.seconds(report.totalSeconds)) "
                    + "(base image \(Self.built(report.baseBuildSeconds)), "
                    + "apt repository \(Self.built(report.aptRepositorySeconds)), "
                    + "boot to sshd \(Self.seconds(report.bootSeconds)))")
        }
        LabStatusCommand.printTable(report.status)
        if let inventory = report.status.inventoryDirectory { print("inventory: \(inventory)") }
    }

    static func seconds(_ value: Double) -> String { String(format: "%.1f s", value) }

    static func built(_ seconds: Double) -> String {
        seconds == 0 ? "cached" : "built in " + Self.seconds(seconds)
    }
}
