import Jinja
import OpsCore

/// `set_fact`: sets host variables that outlive the task (above everything but extra vars).
enum SetFactModule: Module {
    static let spec = ModuleSpec(name: "set_fact", args: [.init("cacheable", .bool)], controlOnly: true, anyArguments: true)

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        var facts = ValueDict()
        for (k, v) in args.values.pairs {
            guard case .string(let name) = k, name != "cacheable" else { continue }
            guard PlaybookLoader.isIdentifier(name) else {
                throw ModuleError("set_fact: \"\(name)\" is not a valid variable name")
            }
            facts[name] = v
        }
        guard !facts.isEmpty else { throw ModuleError("set_fact: no variables given") }
        var result = ModuleResult()
        result.facts = facts
        result.values["ansible_facts"] = .dict(facts)
        return result
    }
}
