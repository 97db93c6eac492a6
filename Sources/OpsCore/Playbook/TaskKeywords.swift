@preconcurrency import Yams

/// The keywords that a play, block, role or task may set and that flow down to the tasks
/// inside (Ansible's "inheritable" keywords): nil means "not set here, inherit".
public struct InheritedKeywords: Sendable, Equatable {
    public var become: Templatable<Bool>?
    public var becomeUser: String?
    public var becomeMethod: String?
    public var remoteUser: String?
    /// Conditions are ANDed down the tree.
    public var when: [Expression] = []
    /// Tags are unioned down the tree.
    public var tags: [String] = []
    public var vars = VariableSet()
    public var environment: Node?
    public var ignoreErrors: Templatable<Bool>?
    public var ignoreUnreachable: Bool?
    public var checkMode: Templatable<Bool>?
    public var diff: Templatable<Bool>?
    public var noLog: Templatable<Bool>?
    public var anyErrorsFatal: Bool?
    public var delegateTo: Node?
    public var runOnce: Bool?
    /// Seconds the task's remote commands may take together (`timeout`); 0 or nil: no limit.
    public var timeout: Double?

    public init() {}

    /// `self` inside `outer`: the inner value wins where both are set; conditions and tags accumulate.
    public func inheriting(from outer: InheritedKeywords) -> InheritedKeywords {
        var r = self
        r.become = become ?? outer.become
        r.becomeUser = becomeUser ?? outer.becomeUser
        r.becomeMethod = becomeMethod ?? outer.becomeMethod
        r.remoteUser = remoteUser ?? outer.remoteUser
        r.when = outer.when + when
        r.tags = outer.tags + tags.filter { !outer.tags.contains($0) }
        r.vars = outer.vars.merging(vars)
        r.environment = environment ?? outer.environment
        r.ignoreErrors = ignoreErrors ?? outer.ignoreErrors
        r.ignoreUnreachable = ignoreUnreachable ?? outer.ignoreUnreachable
        r.checkMode = checkMode ?? outer.checkMode
        r.diff = diff ?? outer.diff
        r.noLog = noLog ?? outer.noLog
        r.anyErrorsFatal = anyErrorsFatal ?? outer.anyErrorsFatal
        r.delegateTo = delegateTo ?? outer.delegateTo
        r.runOnce = runOnce ?? outer.runOnce
        r.timeout = timeout ?? outer.timeout
        return r
    }
}

public struct LoopControl: Sendable, Equatable {
    public var loopVar = "item"
    public var indexVar: String?
    public var label: Node?
    public var pause: Double?
    public var extended = false

    public init() {}
}
