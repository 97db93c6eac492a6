import Jinja

/// How `opsctl play` was asked to run.
public struct RunOptions {
    public var checkMode = false
    public var diffMode = false
    public var forks = 10
    public var limit: String?
    public var tags: [String] = []
    public var skipTags: [String] = []
    /// `-e`: the highest-precedence variables.
    public var extraVars = ValueDict()
    public var startAtTask: String?
    public var forceHandlers = false
    public var verbosity = 0

    public init() {}
}
