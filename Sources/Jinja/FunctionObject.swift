/// A callable built from a Swift closure (globals like `range`, bound methods, `super`).
public final class FunctionObject: TemplateObject, @unchecked Sendable {
    public let name: String
    let body: (Arguments, CallContext) throws -> Value

    public init(name: String, _ body: @escaping (Arguments, CallContext) throws -> Value) {
        self.name = name
        self.body = body
    }

    public var typeName: String { "function" }
    public var stringValue: String { "<function \(name)>" }
    public func call(_ arguments: Arguments, _ context: CallContext) throws -> Value? {
        try body(arguments, context)
    }
}
