/// What a module accepts, declared by the module itself: the loader checks every task's
/// arguments against it before any host is contacted.
public struct ModuleSpec: Sendable {
    public enum ArgType: String, Sendable {
        case string, bool, int, float, path, list, dict, raw
        /// File modes: `0644`, `"0644"`, `u=rw,g=r,o=r`, as Ansible accepts them.
        case mode
    }

    public struct Arg: Sendable {
        public var name: String
        public var type: ArgType
        public var required: Bool
        public var choices: [String]
        public var aliases: [String]
        public var defaultValue: String?

        public init(
            _ name: String, _ type: ArgType = .string, required: Bool = false, choices: [String] = [],
            aliases: [String] = [], default defaultValue: String? = nil
        ) {
            self.name = name
            self.type = type
            self.required = required
            self.choices = choices
            self.aliases = aliases
            self.defaultValue = defaultValue
        }
    }

    public var name: String
    /// Other names the module answers to (`service` for `systemd` …), besides `ansible.builtin.NAME`.
    public var aliases: [String]
    public var args: [Arg]
    /// Takes a free-form string (`command: ls -l`), stored as `_raw_params`.
    public var freeForm: Bool
    /// Groups where one argument must be given (`copy` needs `src` or `content`).
    public var requiredOneOf: [[String]]
    public var mutuallyExclusive: [[String]]
    /// Ansible's `required_if`: when `arg` is given as `value`, every name in `needs` must be given
    /// (or one of them, with `anyOf`), e.g. lineinfile `state: present` needs `line`.
    public var requiredIf: [RequiredIf]
    /// Runs on the control node only (debug, set_fact, assert, fail, pause, uri, meta): no connection needed.
    public var controlOnly: Bool
    /// Takes any argument names (`set_fact: name=value`): names are not checked.
    public var anyArguments: Bool

    public init(
        name: String, aliases: [String] = [], args: [Arg], freeForm: Bool = false,
        requiredOneOf: [[String]] = [], mutuallyExclusive: [[String]] = [], requiredIf: [RequiredIf] = [],
        controlOnly: Bool = false, anyArguments: Bool = false
    ) {
        self.requiredIf = requiredIf
        self.name = name
        self.aliases = aliases
        self.args = args
        self.freeForm = freeForm
        self.requiredOneOf = requiredOneOf
        self.mutuallyExclusive = mutuallyExclusive
        self.controlOnly = controlOnly
        self.anyArguments = anyArguments
    }

    /// The canonical argument name for `name` or one of its aliases.
    public func canonical(_ name: String) -> String? {
        args.first { $0.name == name || $0.aliases.contains(name) }?.name
    }

    public func arg(_ name: String) -> Arg? { args.first { $0.name == name } }

    public struct RequiredIf: Sendable {
        public var arg: String
        public var value: String
        public var needs: [String]
        public var anyOf: Bool

        public init(_ arg: String, _ value: String, _ needs: [String], anyOf: Bool = false) {
            self.arg = arg
            self.value = value
            self.needs = needs
            self.anyOf = anyOf
        }
    }
}

/// The modules a run knows, by every name they answer to. The engine builds it from its
/// module types; the loader only asks it questions.
public struct ModuleCatalog: Sendable {
    private var byName: [String: ModuleSpec] = [:]
    public private(set) var names: [String] = []

    public init(_ specs: [ModuleSpec]) {
        for spec in specs {
            for n in [spec.name] + spec.aliases {
                byName[n] = spec
                names.append(n)
            }
        }
    }

    /// Looks up `copy`, `ansible.builtin.copy` or `ansible.legacy.copy`.
    public func spec(_ name: String) -> ModuleSpec? {
        byName[ModuleCatalog.shortName(name)]
    }

    public static func shortName(_ name: String) -> String {
        for prefix in ["ansible.builtin.", "ansible.legacy.", "ansible.posix.", "community.general."]
        where name.hasPrefix(prefix) {
            return String(name.dropFirst(prefix.count))
        }
        return name
    }
}
