/// A macro defined with `{% macro %}` (or the body of a `{% call %}`); lives for one render on one thread.
final class MacroObject: TemplateObject, @unchecked Sendable {
    let definition: MacroDefinition
    var closure: Frame?
    let template: Template?

    init(definition: MacroDefinition, closure: Frame, template: Template?) {
        self.definition = definition
        self.closure = closure
        self.template = template
    }

    var typeName: String { "Macro" }
    var stringValue: String { "<Macro '\(definition.name)'>" }

    func attribute(_ name: String) -> Value? {
        switch name {
        case "name": return .string(definition.name)
        case "arguments": return .tuple(definition.parameters.map { .string($0.0) })
        default: return nil
        }
    }

    func call(_ arguments: Arguments, _ context: CallContext) throws -> Value? {
        try context.renderer.callMacro(self, arguments)
    }
}
