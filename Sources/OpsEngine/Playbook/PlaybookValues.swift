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
}
