@preconcurrency import Yams
import Foundation
import Jinja
import OpsCore
import OpsTransport

/// Resolves each host's connection once per run from its inventory variables, templated first
/// (`ansible_host: "{{ lookup_ip }}"` works), then command-line overrides. Thread-safe.
public final class HostConnections: @unchecked Sendable {
    let inventory: Inventory
    let templar: Templar
    let overrides: ConnectionOverrides
    /// Variables above the inventory's (set_fact results, extra vars), per host.
    let extraLayers: (String) -> [ValueDict]
    private var cache: [String: ConnectionSettings] = [:]
    private let lock = NSLock()

    public init(
        inventory: Inventory, templar: Templar, overrides: ConnectionOverrides,
        extraLayers: @escaping (String) -> [ValueDict] = { _ in [] }
    ) {
        self.inventory = inventory
        self.templar = templar
        self.overrides = overrides
        self.extraLayers = extraLayers
    }

    public func settings(for host: String) throws -> ConnectionSettings {
        lock.lock()
        if let s = cache[host] {
            lock.unlock()
            return s
        }
        lock.unlock()
        let settings: ConnectionSettings
        if inventory.host(host) == nil {
            // Ansible's implicit localhost, for delegate_to and local_action.
            guard host == "localhost" || host == "127.0.0.1" else {
                throw InputError("\(host) is not in the inventory (only localhost may be used without being listed)")
            }
            settings = ConnectionSettings(name: host, kind: .local)
        } else {
            let inventoryVars = inventory.variables(for: host)
            let scope = VariableScope(
                layers: [PlaybookValues.dict(inventoryVars)] + extraLayers(host), templar: templar)
            var vars = VariableSet()
            for name in ConnectionSettings.variableNames {
                guard let v = try scope.resolve(name), !v.isNone else { continue }
                vars.set(name, Node(PlaybookValues.string(v), Tag(.str)), origin: inventoryVars[name]?.origin)
            }
            settings = try ConnectionSettings.resolve(host: host, vars: vars, overrides: overrides)
        }
        lock.lock()
        cache[host] = settings
        lock.unlock()
        return settings
    }
}
