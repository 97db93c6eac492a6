import Foundation
import Jinja
import OpsCore

/// The variables one task sees on one host: layers from lowest to highest precedence, looked up
/// top-down, with values templated when read (Ansible's lazy `a: "{{ b }}"`).
/// Used by one thread at a time (the host's worker).
public final class VariableScope: VariableResolver {
    /// Lowest precedence first.
    public private(set) var layers: [ValueDict]
    let templar: Templar
    /// Names computed on demand (`hostvars`, `groups`, …), consulted after the layers miss.
    let magic: (String) -> Value?
    private var resolving: [String] = []

    public init(layers: [ValueDict], templar: Templar, magic: @escaping (String) -> Value? = { _ in nil }) {
        self.layers = layers
        self.templar = templar
        self.magic = magic
    }

    /// A scope with one more layer on top (task vars, loop variables).
    public func adding(_ layer: ValueDict) -> VariableScope {
        VariableScope(layers: layers + [layer], templar: templar, magic: magic)
    }

    /// The raw, untemplated value.
    public func raw(_ name: String) -> Value? {
        for layer in layers.reversed() { if let v = layer[name] { return v } }
        return magic(name)
    }

    public func resolve(_ name: String) throws -> Value? {
        guard let value = raw(name) else { return nil }
        guard PlaybookValues.needsTemplating(value) else { return value }
        if resolving.contains(name) {
            throw TemplateError(
                .runtime, "recursive loop detected in template: \((resolving + [name]).joined(separator: " → "))")
        }
        resolving.append(name)
        defer { resolving.removeLast() }
        return try templar.template(value, self)
    }

    /// Every variable visible (for `debug: var=vars` and hostvars), templated.
    public func flattened() -> ValueDict {
        var out = ValueDict()
        for layer in layers { for (k, v) in layer.pairs { out[k] = v } }
        return out
    }
}

extension PlaybookValues {
    /// True when a string somewhere inside contains template syntax.
    public static func needsTemplating(_ v: Value) -> Bool {
        switch v {
        case .string(let s): return Template.containsSyntax(s)
        case .list(let l), .tuple(let l): return l.contains(where: needsTemplating)
        case .dict(let d): return d.values.contains(where: needsTemplating)
        default: return false
        }
    }
}

/// `hostvars[name]`: another host's variables, resolved lazily through that host's own scope.
final class HostVarsObject: TemplateObject, @unchecked Sendable {
    let scopeFor: (String) -> VariableScope?

    init(scopeFor: @escaping (String) -> VariableScope?) {
        self.scopeFor = scopeFor
    }

    var typeName: String { "HostVars" }

    func attribute(_ name: String) -> Value? {
        guard let scope = scopeFor(name) else { return nil }
        return .object(HostVariablesObject(scope: scope))
    }
}

/// One host's variables inside `hostvars`.
final class HostVariablesObject: TemplateObject, @unchecked Sendable {
    let scope: VariableScope
    private let lock = NSLock()

    init(scope: VariableScope) { self.scope = scope }

    var typeName: String { "HostVarsVars" }

    func attribute(_ name: String) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return (try? scope.resolve(name)) ?? nil
    }

    var stringValue: String { (try? Value.dict(scope.flattened()).pythonString()) ?? "{}" }
}
