import Foundation
import Jinja

/// One host's state across the whole run: facts, set_fact/register variables, failure, the
/// handlers it notified, and its recap counters. Touched only by that host's worker, or by the
/// runner between tasks.
public final class HostState {
    public let name: String
    /// The host's inventory variables (group_vars < host_vars), converted once.
    let inventoryVars: ValueDict
    var facts = ValueDict() {
        didSet { factLayer = HostState.layer(of: facts) }
    }
    /// The facts as variables, rebuilt when facts change rather than for every task on every host.
    private(set) var factLayer = ValueDict()
    /// `set_fact` and `register` results: survive across plays.
    var hostVars = ValueDict()
    var failed = false
    var unreachable = false
    /// `meta: end_host` for this play.
    var ended = false
    /// Handler names and listen topics notified and not yet run, in notification order.
    var notified: [String] = []
    public internal(set) var stats = Stats()

    public struct Stats: Equatable {
        public var ok = 0, changed = 0, failed = 0, unreachable = 0, skipped = 0, rescued = 0, ignored = 0
    }

    init(name: String, inventoryVars: ValueDict) {
        self.name = name
        self.inventoryVars = inventoryVars
    }

    func notify(_ name: String) {
        if !notified.contains(name) { notified.append(name) }
    }

    /// Ansible puts every fact both under `ansible_facts` (without the prefix) and at the top
    /// level with `ansible_` (inject_facts_as_vars).
    static func layer(of facts: ValueDict) -> ValueDict {
        guard !facts.isEmpty else { return ValueDict() }
        var layer = ValueDict()
        layer.reserveCapacity(facts.count + 1)
        layer["ansible_facts"] = .dict(facts)
        for (k, v) in facts.pairs {
            guard case .string(let name) = k else { continue }
            layer["ansible_" + name] = v
        }
        return layer
    }
}
