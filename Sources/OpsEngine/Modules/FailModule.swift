import Jinja
import OpsCore

/// `fail`: fails the host with a message (usually under `when:`).
enum FailModule: Module {
    static let spec = ModuleSpec(name: "fail", args: [.init("msg", .raw)], controlOnly: true)

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        .failure(args.string("msg") ?? "Failed as requested from task")
    }
}
