import Foundation
import Logging

/// Every validator of the stack's rendered output: what `opsctl render --validate` runs.
///
/// Output layout it expects (the `--out` directory of `opsctl render`):
///   nginx/*.conf                 nginx -t
///   systemd/*.service|*.timer    systemd-analyze verify (+ security for services)
///   prometheus/prometheus.yml    promtool check config
///   prometheus/rules/*.yml       promtool check rules
///   kubernetes/*.yaml            kubernetes-validate --strict
public struct StackValidator: Sendable {
    public let validators: [any Validator]

    public init(validators: [any Validator]) {
        self.validators = validators
    }

    /// The four validators; `only` keeps those named (`nginx`, `systemd`, `prometheus`, `kubernetes`).
    public init(
        only: Set<String>? = nil,
        kubernetesVersion: String = KubernetesValidator.defaultKubernetesVersion,
        systemdSecurityThreshold: Double? = 2.5,
        logger: Logger
    ) {
        let all: [any Validator] = [
            NginxValidator(logger: logger),
            SystemdValidator(securityThreshold: systemdSecurityThreshold, logger: logger),
            PrometheusValidator(logger: logger),
            KubernetesValidator(kubernetesVersion: kubernetesVersion, logger: logger),
        ]
        self.validators = all.filter { only?.contains($0.name) ?? true }
    }

    public static let validatorNames = ["nginx", "systemd", "prometheus", "kubernetes"]

    /// Programs the validators need that are not installed.
    public func missingTools() -> [ExternalTool] {
        var seen = Set<ExternalTool>()
        return validators.flatMap(\.tools).filter { seen.insert($0).inserted && $0.locate() == nil }
    }

    /// Runs every validator on `outputDirectory`; returns all failures (empty: everything valid).
    /// Throws before running anything when a tool is missing, naming every missing one.
    public func validate(outputDirectory: URL) throws -> [ValidationFailure] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: outputDirectory.path, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw ValidatorError.noOutput(directory: outputDirectory.path)
        }
        let missing = missingTools()
        guard missing.isEmpty else { throw ValidatorError.toolsMissing(missing) }
        return try validators.flatMap { try $0.validate(outputDirectory: outputDirectory) }
    }
}
