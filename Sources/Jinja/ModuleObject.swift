/// The result of `{% import 'macros.j2' as m %}`.
final class ModuleObject: TemplateObject, @unchecked Sendable {
    let name: String
    let exports: [String: Value]

    init(name: String, exports: [String: Value]) {
        self.name = name
        self.exports = exports
    }

    var typeName: String { "TemplateModule" }
    var stringValue: String { "<TemplateModule '\(name)'>" }
    func attribute(_ name: String) -> Value? { exports[name] }
}
