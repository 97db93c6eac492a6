import Foundation

/// Checks rendered files with the program that will read them in production.
public protocol Validator: Sendable {
    /// Short name, as in `opsctl render --only` (`nginx`, `systemd`, `prometheus`, `kubernetes`).
    var name: String { get }
    /// The programs this validator runs; `StackValidator` checks them all before running any.
    var tools: [ExternalTool] { get }
    /// Validates this validator's files under `outputDirectory` (the `--out` of `opsctl render`).
    /// Returns one failure per rejected file, empty when all pass or there is nothing to check.
    /// Throws `ValidatorError` when the check itself cannot run (tool missing, setup failed).
    func validate(outputDirectory: URL) throws -> [ValidationFailure]
}

extension Validator {
    /// Regular files directly in `outputDirectory/subdirectory` whose names end with one of `suffixes`,
    /// sorted by name so failures come in a stable order.
    func files(in outputDirectory: URL, subdirectory: String, suffixes: [String]) -> [URL] {
        let directory = outputDirectory.appendingPathComponent(subdirectory, isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { name in suffixes.contains { name.hasSuffix($0) } && !name.hasPrefix(".") }
            .sorted()
            .map { directory.appendingPathComponent($0) }
    }
}
