import ArgumentParser
import Foundation
import OpsCore

@main
struct Opsctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opsctl",
        abstract: "Render configuration, run playbooks over SSH, and manage a lab of real hosts.",
        version: OpsctlVersion.current,
        subcommands: [
            InventoryCommand.self,
            RunCommand.self,
            PingCommand.self,
            PlayCommand.self,
            TemplateCommand.self,
            LabCommand.self,
            RenderCommand.self,
            ArtifactCommand.self,
        ]
    )

    /// User-input errors already say file:line:col and carry their own "error:" prefix; print
    /// them as they are (exit 1) instead of ArgumentParser's generic "Error: …".
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as InputError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}
