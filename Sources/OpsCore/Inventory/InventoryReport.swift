@preconcurrency import Yams

/// Text views of an inventory for people (the `opsctl inventory` verbs).
public enum InventoryReport {
    /// A host's merged variables as YAML, with `group_names` added, optionally with the
    /// file:line:col each value came from.
    public static func hostVariables(_ host: String, in inventory: Inventory, withOrigin: Bool) -> String {
        var vars = inventory.variables(for: host)
        vars.set("group_names", Node(inventory.groupNames(of: host).map { Node($0) }))
        var out = ""
        for (name, entry) in vars.entries {
            let one = Node.mapping(Node.Mapping([(Node(name), entry.value)]))
            var text = (try? Yams.serialize(node: one)) ?? "\(name): ?\n"
            if withOrigin, let o = entry.origin {
                if let firstNewline = text.firstIndex(of: "\n") {
                    text.insert(contentsOf: "  # \(o)", at: firstNewline)
                }
            }
            out += text
        }
        return out
    }
}
