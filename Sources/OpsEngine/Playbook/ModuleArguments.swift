import Foundation
import Jinja
import OpsCore

/// A task's templated arguments, read with the types the module's spec declares. Conversion
/// errors name the module and argument.
public struct ModuleArguments {
    public let module: String
    public var values: ValueDict

    public init(module: String, values: ValueDict) {
        self.module = module
        self.values = values
    }

    public func has(_ name: String) -> Bool {
        guard let v = values[name] else { return false }
        return !v.isNone && !PlaybookValues.isOmit(v)
    }

    public func value(_ name: String) -> Value? {
        guard let v = values[name], !PlaybookValues.isOmit(v) else { return nil }
        return v
    }

    public func string(_ name: String) -> String? {
        guard let v = value(name), !v.isNone else { return nil }
        return PlaybookValues.string(v)
    }

    public func string(_ name: String, default d: String) -> String { string(name) ?? d }

    public func require(_ name: String) throws -> String {
        guard let s = string(name), !s.isEmpty else { throw ModuleError("\(module): missing required argument \"\(name)\"") }
        return s
    }

    public func bool(_ name: String, default d: Bool) throws -> Bool {
        guard let v = value(name), !v.isNone else { return d }
        guard let b = PlaybookValues.bool(v) else {
            throw ModuleError("\(module): \(name) must be a boolean (yes/no, true/false), got \(PlaybookValues.string(v))")
        }
        return b
    }

    public func int(_ name: String) throws -> Int? {
        guard let v = value(name), !v.isNone else { return nil }
        if let i = v.intValue { return i }
        if let d = v.doubleValue { return Int(d) }
        if case .string(let s) = v, let i = Int(s.trimmingCharacters(in: .whitespaces)) { return i }
        throw ModuleError("\(module): \(name) must be an integer, got \(PlaybookValues.string(v))")
    }

    public func double(_ name: String) throws -> Double? {
        guard let v = value(name), !v.isNone else { return nil }
        if let d = v.doubleValue { return d }
        if case .string(let s) = v, let d = Double(s.trimmingCharacters(in: .whitespaces)) { return d }
        throw ModuleError("\(module): \(name) must be a number, got \(PlaybookValues.string(v))")
    }

    /// A list argument; a comma-separated string is split, as Ansible's `type='list'` does.
    public func list(_ name: String) -> [Value]? {
        guard let v = value(name), !v.isNone else { return nil }
        if let l = v.listValue { return l }
        if case .string(let s) = v {
            return s.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) }
        }
        return [v]
    }

    public func stringList(_ name: String) -> [String]? { list(name)?.map(PlaybookValues.string) }

    public func dict(_ name: String) throws -> ValueDict? {
        guard let v = value(name), !v.isNone else { return nil }
        guard let d = v.dictValue else { throw ModuleError("\(module): \(name) must be a mapping") }
        return d
    }

    /// A file mode as chmod accepts it: `0644`, `"0644"`, `644` written as a string, or
    /// symbolic `u=rw,g=r`. An integer is taken as its value (YAML `0644` is already 420),
    /// exactly as Ansible does.
    public func mode(_ name: String = "mode") throws -> FileMode? {
        guard let v = value(name), !v.isNone else { return nil }
        switch v {
        case .int(let i):
            guard (0...0o7777).contains(i) else { throw ModuleError("\(module): mode \(i) is out of range") }
            return .numeric(i)
        case .string(let s):
            let t = s.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return nil }
            if t.allSatisfy({ ("0"..."7").contains($0) }), let i = Int(t, radix: 8), i <= 0o7777 { return .numeric(i) }
            if t.hasPrefix("0o"), let i = Int(t.dropFirst(2), radix: 8) { return .numeric(i) }
            if t == "preserve" { return .preserve }
            let symbolic = t.split(separator: ",").allSatisfy { clause in
                clause.range(of: #"^[ugoa]*[-+=][rwxXstugo]*$"#, options: .regularExpression) != nil
            }
            if symbolic { return .symbolic(t) }
            throw ModuleError("\(module): mode \"\(s)\" is neither octal (0644) nor symbolic (u=rw,g=r,o=r)")
        default:
            throw ModuleError("\(module): mode must be octal (\"0644\") or symbolic, got \(PlaybookValues.string(v))")
        }
    }
}

public enum FileMode: Equatable {
    case numeric(Int)
    case symbolic(String)
    /// copy/template: keep the source file's mode.
    case preserve

    /// What chmod takes.
    public var chmodArgument: String {
        switch self {
        case .numeric(let i): return String(format: "%04o", i)
        case .symbolic(let s): return s
        case .preserve: return ""
        }
    }
}

extension PlaybookValues {
    /// Ansible's `omit`: an argument set to it is as if not given.
    public static let omitToken = "__omit_place_holder__opsctl"

    public static func isOmit(_ v: Value) -> Bool {
        if case .string(let s) = v { return s == omitToken }
        return false
    }
}
