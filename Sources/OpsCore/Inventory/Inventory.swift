/// Hosts, groups and their variables, as Ansible models them: every host is in `all`; a host in
/// no other group is also in `ungrouped`; groups nest through `children`.
public struct Inventory: Sendable {
    public struct Host: Sendable, Equatable {
        public var name: String
        /// Variables set on the host itself (inventory file, then host_vars/), host_vars winning.
        public var vars: VariableSet
        /// Where the host was first declared.
        public var origin: SourceLocation?
    }

    public struct Group: Sendable, Equatable {
        public var name: String
        public var vars: VariableSet
        /// Direct members, in declaration order.
        public var hosts: [String]
        /// Direct child groups, in declaration order.
        public var children: [String]
        public var origin: SourceLocation?
    }

    /// Hosts in the order they were first declared (Ansible's `order: inventory`).
    public private(set) var hosts: [Host] = []
    public private(set) var groups: [String: Group] = [:]
    /// Group names in declaration order, `all` and `ungrouped` first.
    public private(set) var groupNames: [String] = []
    private var hostIndex: [String: Int] = [:]
    /// Variables from group_vars/ files, applied above the inventory file's group vars (Ansible's order).
    public internal(set) var groupVarsFiles: [String: VariableSet] = [:]

    public init() {
        addGroup("all", origin: nil)
        addGroup("ungrouped", origin: nil)
        groups["all"]!.children = ["ungrouped"]
    }

    public func host(_ name: String) -> Host? { hostIndex[name].map { hosts[$0] } }
    public func group(_ name: String) -> Group? { groups[name] }
    public func position(of host: String) -> Int? { hostIndex[host] }

    // MARK: Building

    public mutating func addGroup(_ name: String, origin: SourceLocation?) {
        guard groups[name] == nil else { return }
        groups[name] = Group(name: name, vars: VariableSet(), hosts: [], children: [], origin: origin)
        groupNames.append(name)
    }

    /// Adds (or finds) a host and makes it a direct member of `group`.
    public mutating func addHost(_ name: String, to group: String, origin: SourceLocation?) {
        addGroup(group, origin: origin)
        if hostIndex[name] == nil {
            hostIndex[name] = hosts.count
            hosts.append(Host(name: name, vars: VariableSet(), origin: origin))
        }
        if !groups[group]!.hosts.contains(name) { groups[group]!.hosts.append(name) }
    }

    public mutating func addChild(_ child: String, to parent: String, origin: SourceLocation?) {
        addGroup(parent, origin: origin)
        addGroup(child, origin: origin)
        if !groups[parent]!.children.contains(child) { groups[parent]!.children.append(child) }
    }

    public mutating func setHostVars(_ name: String, _ vars: VariableSet) {
        guard let i = hostIndex[name] else { return }
        hosts[i].vars.merge(vars)
    }

    public mutating func setGroupVars(_ name: String, _ vars: VariableSet) {
        groups[name]?.vars.merge(vars)
    }

    /// Puts hosts that belong to no group but `all` into `ungrouped`, and makes every top-level
    /// group a child of `all`, as Ansible does after parsing.
    public mutating func reconcile() {
        var hasParent = Set<String>()
        for g in groups.values { hasParent.formUnion(g.children) }
        for name in groupNames where name != "all" && !hasParent.contains(name) {
            groups["all"]!.children.append(name)
        }
        let inNamedGroup = Set(
            groups.values.filter { $0.name != "all" && $0.name != "ungrouped" }.flatMap { $0.hosts })
        for host in hosts where !inNamedGroup.contains(host.name) {
            if !groups["ungrouped"]!.hosts.contains(host.name) { groups["ungrouped"]!.hosts.append(host.name) }
        }
        // Ansible lists hosts declared directly under `all` in `ungrouped` too, and not as members of `all`.
        groups["ungrouped"]!.hosts.removeAll { inNamedGroup.contains($0) }
    }

    // MARK: Queries

    /// Every host of the group, its descendants included, in inventory order, no duplicates.
    public func hosts(inGroup name: String) -> [String] {
        if name == "all" { return hosts.map(\.name) }
        var seen = Set<String>()
        var result: [String] = []
        var visitedGroups = Set<String>()
        func visit(_ g: String) {
            guard visitedGroups.insert(g).inserted, let group = groups[g] else { return }
            for h in group.hosts where seen.insert(h).inserted { result.append(h) }
            for c in group.children { visit(c) }
        }
        visit(name)
        return result.sorted { hostIndex[$0]! < hostIndex[$1]! }
    }

    /// Every group the host is in, directly or through a child group, `all` included.
    public func groups(of host: String) -> Set<String> {
        var direct = Set(groups.values.filter { $0.hosts.contains(host) }.map(\.name))
        direct.insert("all")
        var result = Set<String>()
        var queue = Array(direct)
        let parents = parentMap()
        while let g = queue.popLast() {
            guard result.insert(g).inserted else { continue }
            queue.append(contentsOf: parents[g, default: []])
        }
        return result
    }

    /// Ansible's `group_names`: the host's groups, sorted, without `all` and `ungrouped`.
    public func groupNames(of host: String) -> [String] {
        groups(of: host).filter { $0 != "all" && $0 != "ungrouped" }.sorted()
    }

    func parentMap() -> [String: [String]] {
        var parents: [String: [String]] = [:]
        for g in groupNames { for c in groups[g]!.children { parents[c, default: []].append(g) } }
        return parents
    }

    /// A group's depth: 0 for `all`, else one more than its deepest parent (Ansible's rule).
    public func depth(of group: String) -> Int {
        var memo: [String: Int] = [:]
        let parents = parentMap()
        func d(_ g: String, _ stack: Set<String>) -> Int {
            if let m = memo[g] { return m }
            if g == "all" { return 0 }
            let ps = parents[g, default: []].filter { !stack.contains($0) }
            let value = (ps.map { d($0, stack.union([g])) }.max() ?? 0) + 1
            memo[g] = value
            return value
        }
        return d(group, [])
    }

    /// Ansible's `groups` magic variable: every group to its hosts.
    public var groupMembership: [(group: String, hosts: [String])] {
        groupNames.map { ($0, hosts(inGroup: $0)) }
    }
}
