import Jinja
import OpsCore

/// `raw`: sends the text as is to the remote login shell (for hosts with nothing installed).
enum RawModule: Module {
    static let spec = ModuleSpec(
        name: "raw", args: [.init("_raw_params"), .init("executable", .path)], freeForm: true)

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        guard let text = args.string("_raw_params"), !text.isEmpty else { throw ModuleError("raw: no command given") }
        if context.checkMode {
            var r = ModuleResult()
            r.skipped = true
            r.msg = "Command would have run if not in check mode"
            return r
        }
        let line = args.string("executable").map { "\(RemoteScript.q($0)) -c \(RemoteScript.q(text))" } ?? text
        let r = try context.run(line, ownChannel: true)
        var result = ModuleResult(changed: true, failed: r.exitStatus != 0)
        result.values["rc"] = .int(Int(r.exitStatus))
        result.values["stdout"] = .string(r.stdoutText)
        result.values["stderr"] = .string(r.stderrText)
        result.values["stdout_lines"] = .list(CommandRunner.lines(r.stdoutText))
        if r.exitStatus != 0 { result.msg = "non-zero return code" }
        return result
    }
}
