import Jinja
import OpsCore

/// `assert`: fails the host when a condition is false.
enum AssertModule: Module {
    static let spec = ModuleSpec(
        name: "assert",
        args: [
            .init("that", .list, required: true), .init("fail_msg", .raw, aliases: ["msg"]), .init("success_msg", .raw),
            .init("quiet", .bool),
        ], controlOnly: true)

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let conditions = args.list("that") ?? []
        for c in conditions {
            let text = PlaybookValues.string(c)
            let expr = Expression(text.replacingOccurrences(of: "{{", with: "").replacingOccurrences(of: "}}", with: ""),
                at: context.location)
            if case .bool(let b) = c, b { continue }
            if !(try context.templar.isTrue(expr, context.scope)) {
                var result = ModuleResult.failure(args.string("fail_msg") ?? "Assertion failed")
                result.values["assertion"] = .string(text)
                result.values["evaluated_to"] = false
                return result
            }
        }
        var result = ModuleResult(msg: args.string("success_msg") ?? "All assertions passed")
        if try args.bool("quiet", default: false) { result.msg = nil }
        return result
    }
}
