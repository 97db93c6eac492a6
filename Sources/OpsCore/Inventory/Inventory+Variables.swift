extension Inventory {
    /// A host's inventory variables with Ansible's precedence, lowest first:
    /// inventory-file group vars (groups ordered by depth, then name) < group_vars/all <
    /// group_vars/<group> (same order) < inventory-file host vars and host_vars/<host>.
    /// Magic variables (`inventory_hostname`, `groups`, …) are added by the caller that templates.
    public func variables(for hostName: String) -> VariableSet {
        guard let host = host(hostName) else { return VariableSet() }
        let ordered = sortedGroups(groups(of: hostName))
        var vars = VariableSet()
        for g in ordered { vars.merge(groups[g]!.vars) }
        for g in ordered { if let file = groupVarsFiles[g] { vars.merge(file) } }
        vars.merge(host.vars)
        return vars
    }

    /// Variables of a group alone (for `opsctl inventory graph --vars`), with its group_vars file.
    public func variables(forGroup name: String) -> VariableSet {
        var vars = groups[name]?.vars ?? VariableSet()
        if let file = groupVarsFiles[name] { vars.merge(file) }
        return vars
    }

    /// Groups sorted as Ansible applies their variables: shallow before deep, then by name,
    /// so a child group's value beats its parent's.
    public func sortedGroups(_ names: Set<String>) -> [String] {
        let depths = Dictionary(uniqueKeysWithValues: names.map { ($0, depth(of: $0)) })
        return names.sorted { (depths[$0]!, $0) < (depths[$1]!, $1) }
    }
}
