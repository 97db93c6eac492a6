/// A template value: the JSON/YAML data model plus the few things Jinja adds (undefined, tuples, callables).
///
/// Every variable opsctl handles (playbook vars, facts, registered results) is a `Value`, so it prints,
/// compares and converts exactly as Python would inside a Jinja2 template.
public enum Value: Sendable {
    case undefined(Undefined)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    /// A Python tuple: behaves as a list but prints with parentheses (`dict.items()`, `zip`).
    case tuple([Value])
    case dict(ValueDict)
    /// Macros, global functions, bound methods, `namespace()` objects and the `loop` variable.
    case object(any TemplateObject)
}

extension Value {
    public static let emptyString = Value.string("")

    public var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    public var isNone: Bool {
        if case .none = self { return true }
        return false
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The elements of a list or tuple.
    public var listValue: [Value]? {
        switch self {
        case .list(let l), .tuple(let l): return l
        default: return nil
        }
    }

    public var dictValue: ValueDict? {
        if case .dict(let d) = self { return d }
        return nil
    }

    /// `value["key"]` for dicts (nil when absent or not a dict), `value[0]` for lists.
    public subscript(key: String) -> Value? {
        dictValue?[key]
    }

    public subscript(index: Int) -> Value? {
        guard let l = listValue, index >= 0, index < l.count else { return nil }
        return l[index]
    }

    /// Python's type name, as jinja2 uses it in messages ("'dict object' has no attribute").
    public var typeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .object(let o): return o.typeName
        }
    }
}
