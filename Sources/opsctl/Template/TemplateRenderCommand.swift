import ArgumentParser
import Foundation
import Jinja
import OpsCore
import OpsEngine

struct TemplateRenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render one template to stdout.",
        discussion: """
            Variables come from --vars files (YAML or JSON) and -e options, later ones overriding earlier ones:
              -e key=value [key2=value2 ...]   string values, as ansible-playbook -e
              -e @vars.yml                     a YAML or JSON file
              -e '{"port": 8080}'              inline JSON or YAML
            Includes and imports are looked up next to the template, then in each --search-path.
            """
    )

    @Argument(help: "The template file.")
    var file: String

    @Option(name: .customLong("vars"), help: "A YAML or JSON file of variables (repeatable).")
    var varsFiles: [String] = []

    @Option(name: .customShort("e"), help: "Extra variables: key=value, @file.yml or inline JSON/YAML (repeatable).")
    var extraVars: [String] = []

    @Option(name: .customLong("search-path"), help: "Another directory for include/import (repeatable).")
    var searchPaths: [String] = []

    @Flag(help: "Strip whitespace before block tags at the start of a line (jinja2 lstrip_blocks).")
    var lstripBlocks = false

    @Flag(help: "Keep the newline after block tags (turn off Ansible's trim_blocks).")
    var noTrimBlocks = false

    @Flag(help: "Keep the template's final newline as jinja2's keep_trailing_newline does.")
    var keepTrailingNewline = false

    @Option(name: .customLong("repeat"), help: .hidden)
    var repeatCount: Int = 1

    func run() throws {
        do {
            let variables = try TemplateVariables.load(files: varsFiles, extra: extraVars)
            let options = TemplateOptions(
                trimBlocks: !noTrimBlocks, lstripBlocks: lstripBlocks, keepTrailingNewline: keepTrailingNewline)
            let directory = (file as NSString).deletingLastPathComponent
            let loader = FileTemplateLoader(roots: [directory.isEmpty ? "." : directory] + searchPaths, relativeToParent: false)
            let environment = Environment(options: options, loader: loader)
            let source = try DiskSourceReader().read(file)
            let template = try environment.template(source: source, name: file)
            var output = try template.render(variables)
            if repeatCount > 1 {
                // Benchmark mode (bench/templates/run): the template is compiled once and rendered N times.
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 1..<repeatCount { output = try template.render(variables) }
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                FileHandle.standardError.write(
                    Data(
                        String(
                            format: "renders=%d seconds=%.6f per_render_us=%.3f\n", repeatCount - 1, elapsed,
                            elapsed / Double(repeatCount - 1) * 1e6
                        ).utf8))
            }
            FileHandle.standardOutput.write(Data(output.utf8))
        } catch let error as TemplateError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(1)
        } catch let error as TemplateInputError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}
