@preconcurrency import Yams

extension Inventory {
    /// `ansible-inventory --graph`: the group tree with hosts as leaves.
    public func graph(from root: String = "all", withVars: Bool = false) -> String {
        var lines: [String] = []
        func walk(_ group: String, _ indent: String, _ seen: Set<String>) {
            lines.append("\(indent)@\(group):")
            guard let g = groups[group], !seen.contains(group) else { return }
            if withVars {
                for (name, entry) in variables(forGroup: group).entries {
                    lines.append("\(indent)  |--{\(name) = \(Self.inline(entry.value))}")
                }
            }
            for child in g.children where child != "ungrouped" || !(groups["ungrouped"]?.hosts.isEmpty ?? true) {
                walk(child, indent + "  |", seen.union([group]))
            }
            for h in g.hosts where group != "all" {
                lines.append("\(indent)  |--\(h)")
                if withVars {
                    for (name, entry) in host(h)!.vars.entries {
                        lines.append("\(indent)  |  |--{\(name) = \(Self.inline(entry.value))}")
                    }
                }
            }
        }
        walk(root, "", [])
        return lines.joined(separator: "\n")
    }

    /// A value on one line, as YAML flow style.
    static func inline(_ node: Node) -> String {
        if case .scalar(let s) = node { return s.string }
        let text = (try? Yams.serialize(node: node, width: -1)) ?? ""
        return text.trimmingCharacters(in: " \n")
    }
}
