/// A Jinja2 expression as written in a playbook (`when: x is defined`), with where it was
/// written, compiled and evaluated by the engine.
public struct Expression: Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var location: SourceLocation?

    public init(_ text: String, at location: SourceLocation? = nil) {
        self.text = text
        self.location = location
    }

    public var description: String { text }
}

/// A keyword that is usually a literal but may be templated (`become: "{{ use_sudo }}"`).
public enum Templatable<Value: Sendable & Equatable>: Sendable, Equatable {
    case literal(Value)
    case template(Expression)
}
