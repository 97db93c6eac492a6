import Jinja
@preconcurrency import Yams
import OpsCore

/// Conversions between what the user wrote (YAML nodes) and what the engine computes with.
public enum PlaybookValues {
    /// A variable set as template values, in definition order.
    public static func dict(_ vars: VariableSet) -> ValueDict {
        var d = ValueDict()
        d.reserveCapacity(vars.count)
        for (name, entry) in vars.entries { d[name] = Value(yaml: entry.value) }
        return d
    }

    /// Ansible's boolean strings (module arguments and conditionals).
    public static func bool(_ s: String) -> Bool? {
        switch s.lowercased() {
        case "yes", "on", "true", "1", "y", "t": return true
        case "no", "off", "false", "0", "n", "f", "": return false
        default: return nil
        }
    }

    public static func bool(_ v: Value) -> Bool? {
        switch v {
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return bool(s)
        case .none: return false
        default: return nil
        }
    }

    /// A value as text, the way Ansible turns module arguments into strings.
    public static func string(_ v: Value) -> String {
        switch v {
        case .string(let s): return s
        case .none: return ""
        default: return (try? v.pythonString()) ?? ""
        }
    }

    /// A computed value as a YAML node, so it can join user-written variables (loop items of
    /// `include_tasks`). Strings are tagged so they stay strings.
    public static func node(_ v: Value) -> Node {
        switch v {
        case .none, .undefined: return Node("null", Tag(.null))
        case .bool(let b): return Node(b ? "true" : "false", Tag(.bool))
        case .int(let i): return Node(String(i), Tag(.int))
        case .double(let d): return Node(String(d), Tag(.float))
        case .string(let s): return Node(s, Tag(.str))
        case .list(let l), .tuple(let l): return Node(l.map(node))
        case .dict(let d): return Node(d.pairs.map { (node($0.0), node($0.1)) })
        case .object(let o): return Node(o.stringValue, Tag(.str))
        }
    }
}
