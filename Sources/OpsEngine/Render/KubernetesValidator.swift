import Foundation
import Logging

/// `kubernetes-validate --strict` on every `kubernetes/*.yaml` of the rendered output, against the
/// schemas of one Kubernetes version (bundled with the tool: no cluster, no network). Strict means
/// a field the API does not know is an error, as `kubectl apply --validate=strict` would say.
public struct KubernetesValidator: Validator {
    public let name = "kubernetes"
    public let tools: [ExternalTool] = [.kubernetesValidate]
    /// Kubernetes version the manifests must be valid for (`1.30` or `1.30.0`).
    public let kubernetesVersion: String
    let logger: Logger

    public static let defaultKubernetesVersion = "1.30"

    public init(kubernetesVersion: String = KubernetesValidator.defaultKubernetesVersion, logger: Logger) {
        self.kubernetesVersion = kubernetesVersion
        self.logger = logger
    }

    public func validate(outputDirectory: URL) throws -> [ValidationFailure] {
        let manifests = files(in: outputDirectory, subdirectory: "kubernetes", suffixes: [".yaml", ".yml"])
        guard !manifests.isEmpty else { return [] }
        let tool = try ExternalTool.kubernetesValidate.require()
        // One run for all files (the tool starts slowly); its lines name the file they are about.
        let run = try ToolRun.run(
            tool, ["--strict", "--quiet", "-k", kubernetesVersion] + manifests.map(\.path), logger: logger)
        // With --quiet every line is a warning or an error: both fail, as for the other validators.
        var messages: [String: [String]] = [:]
        for line in run.lines {
            let file = manifests.first { line.contains($0.path) }?.path ?? manifests[0].deletingLastPathComponent().path
            messages[file, default: []].append(line)
        }
        if run.status != 0 && messages.isEmpty {
            throw ValidatorError.toolFailed(command: run.command, status: run.status, output: run.output)
        }
        return messages.keys.sorted().map { file in
            ValidationFailure(
                validator: "kubernetes-validate --strict -k \(kubernetesVersion)", file: file,
                message: messages[file]!.joined(separator: "\n"))
        }
    }
}
