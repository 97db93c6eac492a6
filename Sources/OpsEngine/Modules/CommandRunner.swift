import Foundation
import Jinja
import OpsCore
import OpsTransport

/// What command, shell and raw share: `creates`/`removes`, `chdir`, `stdin`, and Ansible's
/// return values (cmd, rc, stdout, stderr, stdout_lines, stderr_lines, start, end, delta, msg).
enum CommandRunner {
    static let skipMarker = "__opsctl_command_skipped__"

    static func run(_ commandLine: String, cmd: Value, args: ModuleArguments, _ context: ModuleContext,
        stripTrailingNewline: Bool = true) throws -> ModuleResult
    {
        var script = ""
        if let creates = args.string("creates") {
            script += "if [ -e \(RemoteScript.q(creates)) ]; then echo \(skipMarker)creates; exit 0; fi; "
        }
        if let removes = args.string("removes") {
            script += "if [ ! -e \(RemoteScript.q(removes)) ]; then echo \(skipMarker)removes; exit 0; fi; "
        }
        if let chdir = args.string("chdir") { script += "cd \(RemoteScript.q(chdir)) || exit 1; " }
        if context.checkMode {
            // Commands cannot be previewed: Ansible skips them in check mode unless creates/removes decide.
            script += "echo \(skipMarker)check; exit 0"
        } else {
            script += commandLine
        }
        var stdin: Data?
        if let input = args.string("stdin") {
            stdin = Data((input + (try args.bool("stdin_add_newline", default: true) ? "\n" : "")).utf8)
        }
        let start = Date()
        let r = try context.run(script, stdin: stdin)
        let end = Date()
        if r.stdoutText.hasPrefix(skipMarker) {
            let reason = r.stdoutText.dropFirst(skipMarker.count).trimmingCharacters(in: .whitespacesAndNewlines)
            var result = ModuleResult()
            switch reason {
            case "creates": result.msg = "Did not run command since '\(args.string("creates")!)' exists"
            case "removes": result.msg = "Did not run command since '\(args.string("removes")!)' does not exist"
            default:
                result.skipped = true
                result.msg = "Command would have run if not in check mode"
            }
            result.values["cmd"] = cmd
            result.values["rc"] = .int(0)
            result.values["stdout"] = .string(reason == "check" ? "" : "skipped, since \(args.string(reason) ?? "") \(reason == "creates" ? "exists" : "does not exist")")
            result.values["stdout_lines"] = .list([])
            result.values["stderr"] = ""
            result.values["stderr_lines"] = .list([])
            return result
        }
        var stdout = r.stdoutText, stderr = r.stderrText
        if stripTrailingNewline {
            while stdout.hasSuffix("\n") { stdout.removeLast() }
            while stderr.hasSuffix("\n") { stderr.removeLast() }
        }
        var result = ModuleResult(changed: true)
        result.values["cmd"] = cmd
        result.values["rc"] = .int(Int(r.exitStatus))
        result.values["stdout"] = .string(stdout)
        result.values["stderr"] = .string(stderr)
        result.values["stdout_lines"] = .list(lines(stdout))
        result.values["stderr_lines"] = .list(lines(stderr))
        result.values["start"] = .string(timestamp(start))
        result.values["end"] = .string(timestamp(end))
        result.values["delta"] = .string(delta(end.timeIntervalSince(start)))
        if r.exitStatus != 0 {
            result.failed = true
            result.msg = r.exitSignal.map { "killed by signal \($0)" } ?? "non-zero return code"
        } else {
            result.values["msg"] = ""
        }
        return result
    }

    static func lines(_ s: String) -> [Value] {
        s.isEmpty ? [] : s.split(separator: "\n", omittingEmptySubsequences: false).map {
            .string($0.hasSuffix("\r") ? String($0.dropLast()) : String($0))
        }
    }

    /// Ansible's "2026-11-24 10:00:00.123456" (local time).
    static func timestamp(_ d: Date) -> String {
        var t = time_t(d.timeIntervalSince1970)
        var tm = tm()
        localtime_r(&t, &tm)
        let micro = Int((d.timeIntervalSince1970 - Double(t)) * 1_000_000)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%06d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
            tm.tm_min, tm.tm_sec, micro)
    }

    /// Python's str(timedelta): "0:00:00.003456".
    static func delta(_ seconds: Double) -> String {
        let micro = Int((seconds * 1_000_000).rounded())
        let s = micro / 1_000_000
        return String(format: "%d:%02d:%02d.%06d", s / 3600, (s / 60) % 60, s % 60, micro % 1_000_000)
    }
}
