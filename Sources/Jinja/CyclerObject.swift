/// `cycler(a, b, c)`: `next()` returns the items in turn; `current` is the next one to come.
final class CyclerObject: TemplateObject, @unchecked Sendable {
    let items: [Value]
    var position = 0

    init(_ items: [Value]) {
        self.items = items
    }

    var typeName: String { "Cycler" }

    func attribute(_ name: String) -> Value? {
        switch name {
        case "current": return items[position]
        case "next":
            return .object(
                FunctionObject(name: "next") { [unowned self] _, _ in
                    defer { self.position = (self.position + 1) % self.items.count }
                    return self.items[self.position]
                })
        case "reset":
            return .object(
                FunctionObject(name: "reset") { [unowned self] _, _ in
                    self.position = 0
                    return .none
                })
        default: return nil
        }
    }
}
