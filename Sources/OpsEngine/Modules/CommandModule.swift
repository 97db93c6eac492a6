import Jinja
import OpsCore

/// `command`: runs a program with arguments, no shell features (`|`, `>`, `$VAR` are literal).
enum CommandModule: Module {
    static let spec = ModuleSpec(
        name: "command",
        args: [
            .init("_raw_params"), .init("cmd"), .init("argv", .list), .init("chdir", .path), .init("creates", .path),
            .init("removes", .path), .init("stdin"), .init("stdin_add_newline", .bool), .init("strip_empty_ends", .bool),
            .init("warn", .bool), .init("expand_argument_vars", .bool),
        ],
        freeForm: true, mutuallyExclusive: [["_raw_params", "argv"]])

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let argv: [String]
        if let list = args.stringList("argv") {
            argv = list
        } else {
            let text = args.string("_raw_params") ?? args.string("cmd") ?? ""
            do { argv = try ShellWords.split(text) } catch {
                throw ModuleError("command: \(error) in \"\(text)\"")
            }
        }
        guard let first = argv.first, !first.isEmpty else { throw ModuleError("command: no command given") }
        // Quoting every word gives the remote shell nothing to interpret: exactly Ansible's argv exec.
        let line = "exec " + argv.map(RemoteScript.q).joined(separator: " ")
        return try CommandRunner.run(
            line, cmd: .list(argv.map(Value.string)), args: args, context,
            stripTrailingNewline: try args.bool("strip_empty_ends", default: true))
    }
}
