import Foundation
import Logging

/// `promtool check config` on `prometheus/prometheus.yml` (which also loads the rule files it
/// names, relative to itself, as Prometheus will) and `promtool check rules` on every
/// `prometheus/rules/*.yml`, so a broken rule file is named even when the config does not list it.
public struct PrometheusValidator: Validator {
    public let name = "prometheus"
    public let tools: [ExternalTool] = [.promtool]
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func validate(outputDirectory: URL) throws -> [ValidationFailure] {
        let configs = files(in: outputDirectory, subdirectory: "prometheus", suffixes: [".yml", ".yaml"])
        let rules = files(in: outputDirectory, subdirectory: "prometheus/rules", suffixes: [".yml", ".yaml"])
        guard !configs.isEmpty || !rules.isEmpty else { return [] }
        let promtool = try ExternalTool.promtool.require()
        var failures: [ValidationFailure] = []
        for ruleFile in rules {
            let run = try ToolRun.run(promtool, ["check", "rules", ruleFile.path], logger: logger)
            if run.status != 0 {
                failures.append(ValidationFailure(
                    validator: "promtool check rules", file: ruleFile.path, message: Self.problems(run)))
            }
        }
        let failedRules = Set(failures.map(\.file))
        for config in configs {
            let run = try ToolRun.run(promtool, ["check", "config", config.path], logger: logger)
            // A bad rule file makes the config check fail too: report it once, on the rule file.
            if run.status != 0 && !failedRules.contains(where: { run.output.contains($0) }) {
                failures.append(ValidationFailure(
                    validator: "promtool check config", file: config.path, message: Self.problems(run)))
            }
        }
        return failures
    }

    /// promtool's lines that say what is wrong, without its "Checking ..." progress.
    static func problems(_ run: ToolRun) -> String {
        let relevant = run.lines.filter { !$0.hasPrefix("Checking ") && !$0.contains("SUCCESS") }
        return (relevant.isEmpty ? run.lines : relevant).joined(separator: "\n")
    }
}
