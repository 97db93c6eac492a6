/// Arguments passed to a filter, test, macro or function: positional then keyword, as Python receives them.
public struct Arguments: Sendable {
    public var positional: [Value]
    public var named: [(String, Value)]

    public init(_ positional: [Value] = [], named: [(String, Value)] = []) {
        self.positional = positional
        self.named = named
    }

    /// The argument at `index` or named `name`, else nil.
    public func get(_ index: Int, _ name: String) -> Value? {
        if let kv = named.first(where: { $0.0 == name }) { return kv.1 }
        return index < positional.count ? positional[index] : Optional<Value>.none
    }

    public func get(_ name: String) -> Value? {
        named.first(where: { $0.0 == name })?.1
    }

    public func string(_ index: Int, _ name: String, default d: String? = nil) throws -> String? {
        guard let v = get(index, name) else { return d }
        if case .none = v { return d }
        return try v.pythonString()
    }

    public func bool(_ index: Int, _ name: String, default d: Bool) throws -> Bool {
        guard let v = get(index, name) else { return d }
        return try v.truthy()
    }

    public func int(_ index: Int, _ name: String, default d: Int) throws -> Int {
        guard let v = get(index, name) else { return d }
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .double(let x): return Int(x)
        case .none: return d
        case .string(let s): if let i = Int(s) { return i }
        default: break
        }
        throw TemplateError.type("argument '\(name)' must be an integer, not '\(v.typeName)'")
    }

    /// Fails on arguments a callee does not know, like Python's TypeError.
    public func checkNames(_ allowed: [String], callee: String) throws {
        for (n, _) in named where !allowed.contains(n) {
            var message = "\(callee)() got an unexpected keyword argument '\(n)'"
            if let s = Suggestion.closest(to: n, in: allowed) { message += "; did you mean '\(s)'?" }
            throw TemplateError.type(message)
        }
    }
}
