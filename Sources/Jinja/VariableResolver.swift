/// Where a template's free variables come from. A protocol rather than a dictionary so the playbook
/// engine can resolve variables lazily (host vars, facts, `a: "{{ b }}"` templated on first use).
public protocol VariableResolver {
    /// The value of `name`, or nil when it is not defined (the template then sees an undefined value).
    func resolve(_ name: String) throws -> Value?
}

extension ValueDict: VariableResolver {
    public func resolve(_ name: String) throws -> Value? { self[name] }
}

/// A resolver from a closure.
public struct ClosureResolver: VariableResolver {
    let body: (String) throws -> Value?

    public init(_ body: @escaping (String) throws -> Value?) {
        self.body = body
    }

    public func resolve(_ name: String) throws -> Value? { try body(name) }
}

/// Looks in each resolver in turn (e.g. extra vars, then task vars, then host vars).
public struct ChainResolver: VariableResolver {
    public var resolvers: [any VariableResolver]

    public init(_ resolvers: [any VariableResolver]) {
        self.resolvers = resolvers
    }

    public func resolve(_ name: String) throws -> Value? {
        for r in resolvers {
            if let v = try r.resolve(name) { return v }
        }
        return nil
    }
}

extension Dictionary: VariableResolver where Key == String, Value == Jinja.Value {
    public func resolve(_ name: String) throws -> Jinja.Value? { self[name] }
}
