@preconcurrency import Yams
import Jinja

/// Reads Ansible's INI inventory format: host lines with inline `key=value` vars, `[group]`,
/// `[group:vars]` and `[group:children]` sections. Inline values are Python literals (numbers,
/// booleans, quoted strings); values in `:vars` sections are strings, as Ansible documents.
struct INIInventoryParser {
    let file: String
    let text: String

    private enum Section { case hosts(String), vars(String), children(String) }

    func parse(into inventory: inout Inventory) throws {
        var section = Section.hosts("ungrouped")
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: " \t\r")
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            let here = SourceLocation(file: file, line: lineNumber, column: 1)
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    throw InputError("section header is missing its closing \"]\"", at: here, in: text)
                }
                let inner = String(line.dropFirst().dropLast())
                let parts = inner.split(separator: ":", maxSplits: 1).map(String.init)
                let name = parts.first ?? ""
                guard !name.isEmpty, !name.contains(where: { " ,![]&*?~".contains($0) }) else {
                    throw InputError("invalid group name \"\(name)\"", at: here, in: text)
                }
                inventory.addGroup(name, origin: here)
                switch parts.count == 2 ? parts[1] : nil {
                case nil: section = .hosts(name)
                case "vars": section = .vars(name)
                case "children": section = .children(name)
                case let other?:
                    let hint = Suggestion.closest(to: other, in: ["vars", "children"]).map { " (did you mean \"\($0)\"?)" }
                    throw InputError(
                        "unknown section type \"\(other)\"\(hint ?? ""): use [\(name)], [\(name):vars] or [\(name):children]",
                        at: here, in: text)
                }
                continue
            }
            switch section {
            case .hosts(let group):
                try parseHostLine(line, group: group, at: here, into: &inventory)
            case .vars(let group):
                guard let eq = line.firstIndex(of: "=") else {
                    throw InputError("expected key=value in [\(group):vars]", at: here, in: text)
                }
                let key = line[..<eq].trimmingCharacters(in: " \t")
                let value = line[line.index(after: eq)...].trimmingCharacters(in: " \t")
                var vars = VariableSet()
                vars.set(key, Node(Self.unquote(value), Tag(.str)), origin: here)
                inventory.setGroupVars(group, vars)
            case .children(let group):
                guard !line.contains(where: { " \t=".contains($0) }) else {
                    throw InputError("expected one group name per line in [\(group):children]", at: here, in: text)
                }
                inventory.addChild(line, to: group, origin: here)
            }
        }
        try checkCycles(inventory)
    }

    private func parseHostLine(_ line: String, group: String, at here: SourceLocation, into inventory: inout Inventory)
        throws
    {
        let words: [String]
        do { words = try ShellWords.split(line) } catch { throw InputError("\(error)", at: here, in: text) }
        guard var pattern = words.first else { return }
        var vars = VariableSet()
        if let colon = pattern.lastIndex(of: ":"), pattern.filter({ $0 == ":" }).count == 1,
            Int(pattern[pattern.index(after: colon)...]) != nil
        {
            vars.set("ansible_port", Node(String(pattern[pattern.index(after: colon)...]), Tag(.int)), origin: here)
            pattern = String(pattern[..<colon])
        }
        for word in words.dropFirst() {
            guard let eq = word.firstIndex(of: "="), eq != word.startIndex else {
                throw InputError("expected key=value after the host name, found \"\(word)\"", at: here, in: text)
            }
            vars.set(String(word[..<eq]), Self.literal(String(word[word.index(after: eq)...])), origin: here)
        }
        let names: [String]
        do { names = try HostRange.expand(pattern) } catch { throw InputError("\(error)", at: here, in: text) }
        for name in names {
            inventory.addHost(name, to: group, origin: here)
            inventory.setHostVars(name, vars)
        }
    }

    private func checkCycles(_ inventory: Inventory) throws {
        for name in inventory.groupNames {
            var stack: [String] = []
            func visit(_ g: String) throws {
                if stack.contains(g) {
                    throw InputError(
                        "group \"\(g)\" is its own ancestor (\((stack + [g]).joined(separator: " → ")))",
                        at: inventory.group(g)?.origin)
                }
                stack.append(g)
                for c in inventory.group(g)?.children ?? [] { try visit(c) }
                stack.removeLast()
            }
            try visit(name)
        }
    }

    /// Python-literal reading of inline values, as Ansible's INI plugin does.
    static func literal(_ value: String) -> Node {
        if value.count >= 2, let f = value.first, f == "\"" || f == "'", value.last == f {
            return Node(String(value.dropFirst().dropLast()), Tag(.str))
        }
        if Int(value) != nil { return Node(value, Tag(.int)) }
        if Double(value) != nil, value.contains(".") { return Node(value, Tag(.float)) }
        if value == "True" || value == "False" { return Node(value.lowercased(), Tag(.bool)) }
        if value == "None" { return Node("null", Tag(.null)) }
        return Node(value, Tag(.str))
    }

    static func unquote(_ value: String) -> String {
        if value.count >= 2, let f = value.first, f == "\"" || f == "'", value.last == f {
            return String(value.dropFirst().dropLast())
        }
        return value
    }
}
