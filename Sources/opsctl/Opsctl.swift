import ArgumentParser

@main
struct Opsctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opsctl",
        abstract: "Render configuration, run playbooks over SSH, and manage a lab of real hosts.",
        version: OpsctlVersion.current,
        subcommands: [ArtifactCommand.self]
    )
}
