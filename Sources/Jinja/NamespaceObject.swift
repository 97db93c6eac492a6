/// `namespace(...)`: the one mutable object templates have, so loops can carry state outwards.
final class NamespaceObject: TemplateObject, @unchecked Sendable {
    var values: ValueDict

    init(_ values: ValueDict) {
        self.values = values
    }

    var typeName: String { "Namespace" }
    var stringValue: String {
        "<Namespace " + ((try? Value.dict(values).pythonRepr()) ?? "") + ">"
    }

    func attribute(_ name: String) -> Value? { values[name] }
    func set(_ name: String, _ value: Value) { values[name] = value }
}
