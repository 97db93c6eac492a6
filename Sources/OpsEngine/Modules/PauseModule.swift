import Foundation
import Jinja
import OpsCore

/// `pause`: waits a number of seconds or minutes. Interactive prompts are not supported (runs
/// are unattended); a prompt with no duration is an error.
enum PauseModule: Module {
    static let spec = ModuleSpec(
        name: "pause", args: [.init("seconds", .int), .init("minutes", .int), .init("prompt"), .init("echo", .bool)],
        mutuallyExclusive: [["seconds", "minutes"]], controlOnly: true)

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let seconds = try args.double("seconds") ?? (try args.double("minutes")).map { $0 * 60 }
        guard let seconds else {
            throw ModuleError("pause: interactive prompts are not supported; give seconds or minutes")
        }
        let start = Date()
        if seconds > 0 { Thread.sleep(forTimeInterval: seconds) }
        var result = ModuleResult()
        result.values["start"] = .string(CommandRunner.timestamp(start))
        result.values["stop"] = .string(CommandRunner.timestamp(Date()))
        result.values["delta"] = .int(Int(seconds))
        result.values["user_input"] = ""
        result.values["echo"] = true
        return result
    }
}
