import Jinja
import OpsCore

/// `debug`: prints a message or a variable. Runs on the control node.
enum DebugModule: Module {
    static let spec = ModuleSpec(
        name: "debug", args: [.init("msg", .raw), .init("var", .raw), .init("verbosity", .int)],
        mutuallyExclusive: [["msg", "var"]], controlOnly: true)

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        var result = ModuleResult()
        if let name = args.string("var") {
            // `var` names a variable or an expression, printed under its own text as Ansible does.
            let value: Value
            do {
                value = try context.templar.evaluate(Expression(name, at: context.location), context.scope)
            } catch {
                value = .string("VARIABLE IS NOT DEFINED!")
            }
            result.values[name] = value.isUndefined ? .string("VARIABLE IS NOT DEFINED!") : value
        } else {
            result.values["msg"] = args.value("msg") ?? .string("Hello world!")
        }
        return result
    }
}
