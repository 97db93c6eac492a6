import OpsEngine

/// The closing lines of `run` and `ping`: each host's fate, then the totals.
enum AdHocReport {
    static func print(_ summary: AdHocRunner.Summary, to printer: HostOutputPrinter, colour: Bool) {
        func paint(_ text: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        for o in summary.outcomes where o.status != .ok {
            let label = o.status == .unreachable ? paint("UNREACHABLE", "31;1") : paint("FAILED", "31")
            var line = "\(label) \(o.message ?? o.host)"
            if let stderr = o.result?.stderrText, !stderr.isEmpty {
                let tail = stderr.split(separator: "\n").suffix(3).joined(separator: "\n    ")
                line += "\n    " + tail
            }
            printer.line(line)
        }
        printer.line(
            "ok=\(summary.count(.ok)) failed=\(summary.count(.failed)) unreachable=\(summary.count(.unreachable))")
    }
}
