@preconcurrency import Yams
import Jinja

/// Reads Ansible's YAML inventory format into an `Inventory`.
struct YAMLInventoryParser {
    let file: String
    let text: String

    func parse(into inventory: inout Inventory) throws {
        guard let root = try YAMLDocument.parse(text, file: file), !root.isNull else { return }
        guard case .mapping(let top) = root else {
            throw error("an inventory must be a mapping of group names (usually `all:`), found \(root.kindName)", root)
        }
        for (key, value) in top {
            let name = try groupName(key)
            inventory.addGroup(name, origin: location(key))
            try parseGroup(name, value, into: &inventory, stack: [name])
        }
    }

    private func parseGroup(_ name: String, _ node: Node, into inventory: inout Inventory, stack: [String]) throws {
        if node.isNull { return }
        guard case .mapping(let body) = node else {
            throw error("group \"\(name)\" must be a mapping with hosts, vars or children; found \(node.kindName)", node)
        }
        for (key, value) in body {
            guard case .scalar(let k) = key else { throw error("group keys must be strings", key) }
            switch k.string {
            case "hosts":
                try parseHosts(value, group: name, into: &inventory)
            case "vars":
                inventory.setGroupVars(
                    name, try VariableSet.from(value, file: file, text: text, what: "vars of group \"\(name)\""))
            case "children":
                if value.isNull { continue }
                guard case .mapping(let children) = value else {
                    throw error("children of \"\(name)\" must be a mapping of group names", value)
                }
                for (childKey, childBody) in children {
                    let child = try groupName(childKey)
                    if stack.contains(child) {
                        throw error(
                            "group \"\(child)\" is its own ancestor (\((stack + [child]).joined(separator: " → ")))",
                            childKey)
                    }
                    inventory.addChild(child, to: name, origin: location(childKey))
                    try parseGroup(child, childBody, into: &inventory, stack: stack + [child])
                }
            default:
                let hint = Suggestion.closest(to: k.string, in: ["hosts", "vars", "children"])
                    .map { " (did you mean \"\($0)\"?)" } ?? ""
                throw error(
                    "unexpected key \"\(k.string)\" in group \"\(name)\"\(hint): a group holds hosts, vars and children",
                    key)
            }
        }
    }

    private func parseHosts(_ node: Node, group: String, into inventory: inout Inventory) throws {
        if node.isNull { return }
        guard case .mapping(let hosts) = node else {
            if case .sequence = node {
                throw error("hosts of \"\(group)\" must be a mapping (`name:` per line, vars under it), not a list", node)
            }
            throw error("hosts of \"\(group)\" must be a mapping of host names", node)
        }
        for (key, value) in hosts {
            guard case .scalar(let k) = key, !k.string.isEmpty else { throw error("host names must be strings", key) }
            var (pattern, port) = (k.string, String?.none)
            // "host:2222", but not an IPv6 address.
            if let colon = pattern.lastIndex(of: ":"), pattern.filter({ $0 == ":" }).count == 1,
                Int(pattern[pattern.index(after: colon)...]) != nil
            {
                port = String(pattern[pattern.index(after: colon)...])
                pattern = String(pattern[..<colon])
            }
            let names: [String]
            do { names = try HostRange.expand(pattern) } catch { throw self.error("\(error)", key) }
            var vars = try VariableSet.from(value, file: file, text: text, what: "vars of host \"\(k.string)\"")
            if let port { vars.set("ansible_port", Node(port, .implicit, .plain), origin: location(key)) }
            for name in names {
                inventory.addHost(name, to: group, origin: location(key))
                inventory.setHostVars(name, vars)
            }
        }
    }

    private func groupName(_ node: Node) throws -> String {
        guard case .scalar(let s) = node, !s.string.isEmpty else { throw error("group names must be strings", node) }
        let name = s.string
        if name.contains(where: { " :,![]&*?~".contains($0) }) {
            throw error("invalid group name \"\(name)\": use letters, digits, - and _", node)
        }
        return name
    }

    private func location(_ node: Node) -> SourceLocation? { YAMLDocument.location(of: node, file: file) }

    private func error(_ message: String, _ node: Node) -> InputError {
        InputError(message, at: location(node) ?? SourceLocation(file: file, line: 1, column: 1), in: text)
    }
}
