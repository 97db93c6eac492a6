import ArgumentParser
import Foundation
import OpsCore
import OpsEngine

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render the stack's nginx, systemd, Prometheus and Kubernetes files from templates/ and an inventory.",
        discussion: "Example: opsctl render -i inventories/production --out build/config --validate")

    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Only this family: nginx, systemd, prometheus or kubernetes.")
    var only: String?

    @Option(help: "Directory to write (replaced as a whole, atomically).")
    var out: String

    @Option(help: "The templates directory (with manifest.yml and defaults.yml).")
    var templates: String = "templates"

    @Flag(
        name: .customLong("validate"),
        help: "Check every output with the program that will read it (nginx -t, systemd-analyze, promtool, kubernetes-validate).")
    var runValidators = false

    @Option(name: .customLong("kubernetes-version"), help: "Kubernetes version to validate manifests against.")
    var kubernetesVersion = KubernetesValidator.defaultKubernetesVersion

    func validate() throws {
        if let only, !StackValidator.validatorNames.contains(only) {
            throw ValidationError("--only must be one of \(StackValidator.validatorNames.joined(separator: ", "))")
        }
    }

    func run() throws {
        let reader = DiskSourceReader()
        let inventory = try inventoryOptions.load()
        let renderer = try StackRenderer(templatesDirectory: templates, inventory: inventory, reader: reader)
        let rendered = try renderer.render(only: only)
        try StackRenderer.write(rendered, to: out)
        for (entry, _) in rendered.files { print("rendered \(out)/\(entry.out)") }
        for s in rendered.skipped { print("skipped \(s)") }
        guard runValidators else { return }
        let validator = StackValidator(
            only: only.map { [$0] }, kubernetesVersion: kubernetesVersion, logger: output.makeLogger())
        let failures = try validator.validate(outputDirectory: URL(fileURLWithPath: out))
        for f in failures { FileHandle.standardError.write(Data("\(f)\n".utf8)) }
        if !failures.isEmpty { throw ExitCode(1) }
        print("valid: every file passed its validator")
    }
}
