@preconcurrency import Yams

/// One play: hosts, variables and the tasks to run on them.
public struct Play: Sendable, Equatable {
    public enum SerialStep: Sendable, Equatable {
        case count(Int)
        case percent(Double)
    }

    public struct Role: Sendable, Equatable {
        public var name: String
        public var path: String
        public var defaults = VariableSet()
        public var vars = VariableSet()
        /// `- role: x` parameters: variables visible to the role's tasks.
        public var params = VariableSet()
        public var keywords = InheritedKeywords()
        public var tasks: [TaskItem] = []
        public var handlers: [TaskItem] = []
    }

    public var name: String
    public var hosts: String
    public var keywords = InheritedKeywords()
    /// Static `vars_files`, already read, in order; templated names are read when the play starts.
    public var varsFiles: [(path: Node, vars: VariableSet?)] = []
    public var gatherFacts = true
    public var serial: [SerialStep] = []
    public var maxFailPercentage: Double?
    public var forceHandlers = false
    public var roles: [Role] = []
    public var preTasks: [TaskItem] = []
    public var tasks: [TaskItem] = []
    public var postTasks: [TaskItem] = []
    public var handlers: [TaskItem] = []
    public var location: SourceLocation
    public var baseDirectory: String

    public static func == (a: Play, b: Play) -> Bool { a.location == b.location && a.name == b.name }

    /// Host batches for `serial`: steps in order, the last one repeating, as Ansible does.
    public func batches(of hosts: [String]) -> [[String]] {
        guard !serial.isEmpty else { return [hosts] }
        var result: [[String]] = []
        var rest = hosts[...]
        var stepIndex = 0
        while !rest.isEmpty {
            let step = serial[min(stepIndex, serial.count - 1)]
            var size: Int
            switch step {
            case .count(let n): size = n
            case .percent(let p): size = Int((Double(hosts.count) * p / 100).rounded(.down))
            }
            size = max(1, min(size, rest.count))
            result.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
            stepIndex += 1
        }
        return result
    }
}

public struct Playbook: Sendable {
    public var path: String
    public var plays: [Play]

    public init(path: String, plays: [Play]) {
        self.path = path
        self.plays = plays
    }
}
