import ArgumentParser

struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Manage a lab of real hosts (systemd-nspawn containers with sshd) on this machine.",
        discussion: """
            The lab's hosts boot Debian bookworm with systemd and OpenSSH, each in its own network \
            namespace on the bridge opsbr0, with no route out. `up` writes a ready inventory to \
            inventories/lab/. Needs root on Linux. See docs/lab.md.
            """,
        subcommands: [LabUpCommand.self, LabDownCommand.self, LabStatusCommand.self]
    )
}
