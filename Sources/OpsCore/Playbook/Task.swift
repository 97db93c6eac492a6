@preconcurrency import Yams

/// One task: a module call and the keywords around it.
public struct Task: Sendable, Equatable {
    public var name: String?
    /// The module's canonical name (`copy` for `ansible.builtin.copy`).
    public var module: String
    /// Arguments by canonical name, values untemplated (free-form text is `_raw_params`).
    public var args: [(name: String, value: Node, location: SourceLocation?)]
    public var keywords = InheritedKeywords()
    public var loop: Node?
    /// `with_items` flattens one level, as Ansible does; `loop` does not.
    public var loopFlatten = false
    /// `with_dict: {a: 1}` written inline: loop over its key/value pairs.
    public var loopOverMapping = false
    /// `with_<lookup>: terms`: the items are what that lookup returns for the templated terms.
    public var loopLookup: String?
    public var loopControl = LoopControl()
    public var register: String?
    public var notify: [String] = []
    /// Handlers only: topics this handler also answers to.
    public var listen: [String] = []
    public var changedWhen: [Expression]?
    public var failedWhen: [Expression]?
    public var until: [Expression]?
    public var retries: Node?
    public var delay: Node?
    public var location: SourceLocation
    /// The role the task came from, for `src` lookups in the role's files/ and templates/.
    public var rolePath: String?
    /// The directory relative paths in the task resolve against (its playbook's or task file's).
    public var baseDirectory: String

    public init(
        name: String?, module: String, args: [(name: String, value: Node, location: SourceLocation?)],
        keywords: InheritedKeywords = InheritedKeywords(), location: SourceLocation, rolePath: String?,
        baseDirectory: String
    ) {
        self.name = name
        self.module = module
        self.args = args
        self.keywords = keywords
        self.location = location
        self.rolePath = rolePath
        self.baseDirectory = baseDirectory
    }

    public static func == (a: Task, b: Task) -> Bool {
        a.location == b.location && a.module == b.module && a.name == b.name
    }

    public func arg(_ name: String) -> Node? { args.first { $0.name == name }?.value }

    /// What the output calls the task: its name, else its module; `role : name` inside a role,
    /// as Ansible prints it.
    public var displayName: String { displayName(named: name) }

    /// The display name with `name` standing for the task's own (a templated name, say).
    public func displayName(named name: String?) -> String {
        let base = name.flatMap { $0.isEmpty ? nil : $0 } ?? module
        guard let rolePath else { return base }
        let role = rolePath.split(separator: "/").last.map(String.init) ?? rolePath
        return role + " : " + base
    }
}

/// `block:` with its `rescue:` and `always:` sections.
public struct Block: Sendable, Equatable {
    public var name: String?
    public var block: [TaskItem]
    public var rescue: [TaskItem]
    public var always: [TaskItem]
    public var keywords = InheritedKeywords()
    public var location: SourceLocation?

    public init(name: String? = nil, block: [TaskItem], rescue: [TaskItem] = [], always: [TaskItem] = [],
        keywords: InheritedKeywords = InheritedKeywords(), location: SourceLocation? = nil)
    {
        self.name = name
        self.block = block
        self.rescue = rescue
        self.always = always
        self.keywords = keywords
        self.location = location
    }
}

/// `include_tasks:` — resolved when reached, per host (its file name may be templated).
public struct IncludeTasks: Sendable, Equatable {
    public var file: Node
    public var keywords = InheritedKeywords()
    public var loop: Node?
    public var loopControl = LoopControl()
    public var location: SourceLocation
    public var baseDirectory: String
    public var rolePath: String?
    /// Loaded at load time when the file name is a literal, so errors surface before any host is contacted.
    public var preloaded: [TaskItem]?
}

public indirect enum TaskItem: Sendable, Equatable {
    case task(Task)
    case block(Block)
    case include(IncludeTasks)

    public var location: SourceLocation? {
        switch self {
        case .task(let t): return t.location
        case .block(let b): return b.location
        case .include(let i): return i.location
        }
    }
}
