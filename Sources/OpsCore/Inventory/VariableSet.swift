@preconcurrency import Yams

/// Variables as written by the user: raw YAML nodes (templated later, when used), in the
/// order they were defined, each remembering where it came from.
public struct VariableSet: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var value: Node
        public var origin: SourceLocation?

        public init(value: Node, origin: SourceLocation?) {
            self.value = value
            self.origin = origin
        }
    }

    public private(set) var names: [String] = []
    private var storage: [String: Entry] = [:]

    public init() {}

    public var isEmpty: Bool { names.isEmpty }
    public var count: Int { names.count }

    public subscript(name: String) -> Entry? { storage[name] }

    public func value(_ name: String) -> Node? { storage[name]?.value }

    /// The variable as a plain string, when it is a scalar.
    public func string(_ name: String) -> String? {
        if case .scalar(let s)? = storage[name]?.value { return s.string }
        return nil
    }

    public mutating func set(_ name: String, _ value: Node, origin: SourceLocation? = nil) {
        if storage.updateValue(Entry(value: value, origin: origin), forKey: name) == nil {
            names.append(name)
        }
    }

    /// Ansible's default `hash_behaviour=replace`: a later definition replaces the whole value.
    public mutating func merge(_ other: VariableSet) {
        for name in other.names { set(name, other.storage[name]!.value, origin: other.storage[name]!.origin) }
    }

    public func merging(_ other: VariableSet) -> VariableSet {
        var copy = self
        copy.merge(other)
        return copy
    }

    public var entries: [(name: String, entry: Entry)] { names.map { ($0, storage[$0]!) } }

    /// A YAML mapping of the variables, in definition order (for display).
    public var node: Node {
        .mapping(Node.Mapping(names.map { (Node($0), storage[$0]!.value) }))
    }

    /// Reads a YAML mapping of variables (a vars file or a `vars:` block). Keys must be strings.
    public static func from(_ node: Node?, file: String, text: String, what: String) throws -> VariableSet {
        var vars = VariableSet()
        guard let node else { return vars }
        if node.isNull { return vars }
        guard case .mapping(let mapping) = node else {
            throw InputError(
                "\(what) must be a mapping of variable names to values, found \(node.kindName)",
                at: YAMLDocument.location(of: node, file: file) ?? SourceLocation(file: file, line: 1, column: 1),
                in: text)
        }
        for (key, value) in mapping {
            guard case .scalar(let k) = key, !k.string.isEmpty else {
                throw InputError(
                    "variable names must be strings", at: YAMLDocument.location(of: key, file: file)!, in: text)
            }
            vars.set(k.string, value, origin: YAMLDocument.location(of: key, file: file))
        }
        return vars
    }
}

extension Node {
    /// "a mapping", "a list", "a string" … for messages.
    public var kindName: String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar: return "a scalar"
        default: return "an alias"
        }
    }

    /// True for `~`, `null`, or an empty plain scalar (how YAML writes "nothing").
    public var isNull: Bool {
        guard case .scalar(let s) = self else { return false }
        return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
    }
}
