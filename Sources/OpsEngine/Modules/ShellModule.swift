import Jinja
import OpsCore

/// `shell`: runs a command line through /bin/sh (or `executable`), with pipes and redirections.
enum ShellModule: Module {
    static let spec = ModuleSpec(
        name: "shell",
        args: [
            .init("_raw_params"), .init("cmd"), .init("chdir", .path), .init("creates", .path),
            .init("removes", .path), .init("executable", .path), .init("stdin"),
            .init("stdin_add_newline", .bool), .init("strip_empty_ends", .bool), .init("warn", .bool),
        ],
        freeForm: true)

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        guard let text = args.string("_raw_params") ?? args.string("cmd"), !text.isEmpty else {
            throw ModuleError("shell: no command given")
        }
        let shell = args.string("executable") ?? "/bin/sh"
        return try CommandRunner.run(
            "exec \(RemoteScript.q(shell)) -c \(RemoteScript.q(text))", cmd: .string(text), args: args, context,
            stripTrailingNewline: try args.bool("strip_empty_ends", default: true))
    }
}
