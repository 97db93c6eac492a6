/// Something a template can call or read attributes from that is not plain data.
public protocol TemplateObject: AnyObject, Sendable {
    /// Python's type name, used in error messages and by `is callable`.
    var typeName: String { get }
    func attribute(_ name: String) -> Value?
    /// Nil when the object is not callable.
    func call(_ arguments: Arguments, _ context: CallContext) throws -> Value?
    /// What `{{ obj }}` prints.
    var stringValue: String { get }
}

extension TemplateObject {
    public func attribute(_ name: String) -> Value? { nil }
    public func call(_ arguments: Arguments, _ context: CallContext) throws -> Value? { nil }
    public var stringValue: String { "<\(typeName) object>" }
}
