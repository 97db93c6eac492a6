// Build values from Swift literals: `let vars: Value = ["port": 8080, "hosts": ["a", "b"], "tls": true]`.

extension Value: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .none }
}

extension Value: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension Value: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension Value: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension Value: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension Value: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
}

extension Value: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, Value)...) { self = .dict(ValueDict(elements)) }
}

extension Value {
    public init(_ s: String) { self = .string(s) }
    public init(_ i: Int) { self = .int(i) }
    public init(_ d: Double) { self = .double(d) }
    public init(_ b: Bool) { self = .bool(b) }
    public init(_ l: [Value]) { self = .list(l) }
    public init(_ d: ValueDict) { self = .dict(d) }
}
