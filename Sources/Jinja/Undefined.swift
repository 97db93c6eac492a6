/// Why a value is undefined; the message names the variable so the error can, too.
public struct Undefined: Sendable, Equatable {
    /// The name of the variable the chain started from (`foo` for `foo.bar.baz`).
    public var name: String
    /// Jinja2's hint: "'foo' is undefined" or "'dict object' has no attribute 'bar'".
    public var hint: String
    /// jinja2's plain (non-strict) undefined, produced only by `x if cond` without `else`: prints as empty.
    public var lenient = false

    public init(name: String, hint: String? = nil, lenient: Bool = false) {
        self.name = name
        self.hint = hint ?? "'\(name)' is undefined"
        self.lenient = lenient
    }
}
