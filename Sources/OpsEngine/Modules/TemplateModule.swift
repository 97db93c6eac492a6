import Foundation
import Jinja
import OpsCore

/// `template`: renders a Jinja2 file from the control node with the host's variables and puts
/// the result at `dest` (same idempotence, validation and backup as `copy`).
enum TemplateModule: Module {
    static let spec = ModuleSpec(
        name: "template",
        args: [
            .init("src", .path, required: true), .init("dest", .path, required: true), .init("mode", .mode),
            .init("owner"), .init("group"), .init("backup", .bool), .init("force", .bool), .init("validate"),
            .init("trim_blocks", .bool), .init("lstrip_blocks", .bool), .init("newline_sequence"),
            .init("variable_start_string"), .init("variable_end_string"), .init("block_start_string"),
            .init("block_end_string"), .init("output_encoding"), .init("follow", .bool),
            .init("unsafe_writes", .bool), .init("seuser"), .init("serole"), .init("setype"), .init("selevel"),
            .init("attributes", aliases: ["attr"]),
        ])

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let src = try args.require("src")
        let path = try context.findLocalFile(src, folder: "templates")
        let rendered = try TemplateFiles.render(path: path, context: context,
            lstripBlocks: try args.bool("lstrip_blocks", default: false),
            trimBlocks: try args.bool("trim_blocks", default: true))
        return try FileWriter.write(
            .init(
                content: Data(rendered.utf8), dest: try args.require("dest"), nameInDirectory: nil,
                mode: try args.mode(), owner: args.string("owner"), group: args.string("group"),
                backup: try args.bool("backup", default: false), force: try args.bool("force", default: true),
                validate: args.string("validate")), module: "template", context)
    }
}
