import ArgumentParser

struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Render Jinja2 templates with Ansible's template semantics.",
        subcommands: [TemplateRenderCommand.self]
    )
}
