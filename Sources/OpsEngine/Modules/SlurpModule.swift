import Foundation
import Jinja
import OpsCore

/// `slurp`: a file from the host, base64-encoded (`content`), for `b64decode` in later tasks.
enum SlurpModule: Module {
    static let spec = ModuleSpec(name: "slurp", args: [.init("src", .path, required: true, aliases: ["path"])])

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let src = try args.require("src")
        // The bytes travel as they are: stdout is binary-safe, and the control node encodes.
        let script = """
            p=\(RemoteScript.q(src))
            if [ -d "$p" ]; then echo "source is a directory and must be a file: $p" >&2; exit 21; fi
            if [ ! -e "$p" ]; then echo "file not found: $p" >&2; exit 2; fi
            if [ ! -r "$p" ]; then echo "file is not readable: $p" >&2; exit 13; fi
            exec cat "$p"
            """
        let r = try context.run(script)
        guard r.exitStatus == 0 else {
            let err = r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            return .failure(err.isEmpty ? "slurp \(src) failed on \(context.host) (rc=\(r.exitStatus))" : err)
        }
        var result = ModuleResult()
        result.values["content"] = .string(r.stdout.base64EncodedString())
        result.values["encoding"] = "base64"
        result.values["source"] = .string(src)
        return result
    }
}
