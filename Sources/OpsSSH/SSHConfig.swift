import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The parts of an OpenSSH client config (`~/.ssh/config`) opsctl honours: `Host` blocks
/// (patterns with `*`, `?` and `!negation`), `Match` blocks (`all`, `host`, `originalhost`,
/// `user`, `localuser`, each negatable), `Include`, and the keywords HostName, User, Port,
/// IdentityFile and ProxyJump. As in OpenSSH, the first value found for a keyword wins, and
/// IdentityFile accumulates. Parsing reads the given text and the files it `Include`s, nothing else.
public struct SSHConfig: Sendable, Equatable {
    /// When a block's options apply.
    public enum Condition: Sendable, Equatable {
        /// The options before a file's first Host or Match line.
        case always
        /// A `Host` line's patterns, matched against the host name as given.
        case host([String])
        /// A `Match` line's criteria, all of which must hold.
        case match([MatchCriterion])
        /// The rest of block N after an `Include` inside it: applies exactly when block N does.
        case continuation(Int)
    }

    public struct MatchCriterion: Sendable, Equatable {
        /// Lowercased: `all`, `host`, `originalhost`, `user`, `localuser`, or one OpenSSH knows
        /// that opsctl does not evaluate (`exec`, `canonical`, `final`, `localnetwork`, `tagged`).
        public var keyword: String
        public var negated: Bool
        public var argument: String?
    }

    public struct Block: Sendable, Equatable {
        public var condition: Condition
        /// The block whose `Include` read this block's file: this one applies only when that one does.
        public var parent: Int?
        public var file: String
        /// The Host/Match line (0 for the options before the first one).
        public var line: Int
        public var options: [Option]
    }

    public struct Option: Sendable, Equatable {
        /// Lowercased keyword.
        public var key: String
        public var value: String
        public var line: Int
    }

    /// What the config says about one host, values as written (tokens unexpanded).
    public struct HostOptions: Sendable, Equatable {
        public var hostName: String?
        public var user: String?
        public var port: Int?
        public var identityFiles: [String] = []
        /// Jump hosts as written (`[user@]host[:port]`), outermost first; empty for `none`.
        public var proxyJump: [String]?
        /// Blocks skipped because of a Match criterion opsctl does not evaluate, as `file:line: why`
        /// (for a debug log: OpenSSH might have applied them).
        public var notes: [String] = []
        public init() {}
    }

    public var file: String
    public var blocks: [Block]

    /// Keywords we read; every other keyword is accepted and ignored, as OpenSSH ignores ones
    /// it is told to (they belong to features opsctl does not have).
    static let understood: Set<String> = ["hostname", "user", "port", "identityfile", "proxyjump"]

    /// OpenSSH's limit on nested `Include`s (READCONF_MAX_DEPTH); it also stops a file including itself.
    public static let maximumIncludeDepth = 16

    public init(file: String = "<none>", blocks: [Block] = []) {
        self.file = file
        self.blocks = blocks
    }

    /// The directory of the user's ssh files: relative `Include` paths start there.
    public static var userSSHDirectory: String {
        (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.ssh"
    }

    /// `~/.ssh/config` of the user running opsctl.
    public static var userConfigPath: String { userSSHDirectory + "/config" }

    /// Reads `path`; a missing file is an empty config, as for OpenSSH.
    public static func load(path: String, sshDirectory: String = userSSHDirectory) throws -> SSHConfig {
        guard let data = FileManager.default.contents(atPath: path) else { return SSHConfig(file: path) }
        return try parse(String(decoding: data, as: UTF8.self), file: path, sshDirectory: sshDirectory)
    }

    /// Parses `text`; `Include`d files are read, relative names from `sshDirectory`.
    public static func parse(_ text: String, file: String, sshDirectory: String = userSSHDirectory) throws
        -> SSHConfig
    {
        var blocks: [Block] = []
        try parse(text, file: file, parent: nil, depth: 0, sshDirectory: sshDirectory, into: &blocks)
        return SSHConfig(file: file, blocks: blocks)
    }

    private static func parse(
        _ text: String, file: String, parent: Int?, depth: Int, sshDirectory: String, into blocks: inout [Block]
    ) throws {
        blocks.append(Block(condition: .always, parent: parent, file: file, line: 0, options: []))
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let (keyword, rest) = splitKeyword(line)
            let column =
                rawLine.distance(
                    from: rawLine.startIndex, to: rawLine.firstIndex { !$0.isWhitespace } ?? rawLine.startIndex) + 1
            func failure(_ message: String) -> SSHConfigError {
                SSHConfigError(file: file, line: lineNumber, column: column, message: message)
            }
            let key = keyword.lowercased()
            let arguments = try tokenize(rest, file: file, line: lineNumber, column: column)
            switch key {
            case "host":
                if arguments.isEmpty { throw failure("`Host` needs at least one pattern") }
                blocks.append(
                    Block(condition: .host(arguments), parent: parent, file: file, line: lineNumber, options: []))
            case "match":
                let criteria = try parseMatch(arguments, failure: failure)
                blocks.append(
                    Block(condition: .match(criteria), parent: parent, file: file, line: lineNumber, options: []))
            case "include":
                if arguments.isEmpty { throw failure("`Include` needs a file name or glob") }
                if depth + 1 >= maximumIncludeDepth {
                    throw failure(
                        "`Include` nested deeper than \(maximumIncludeDepth) files: does a file include itself?")
                }
                // Everything the included files say applies only where this Include's block does;
                // after them, this block goes on under its own condition.
                let including = blocks.count - 1
                for pattern in arguments {
                    for path in includedFiles(pattern, sshDirectory: sshDirectory) {
                        guard let data = FileManager.default.contents(atPath: path) else { continue }
                        try parse(
                            String(decoding: data, as: UTF8.self), file: path, parent: including, depth: depth + 1,
                            sshDirectory: sshDirectory, into: &blocks)
                    }
                }
                blocks.append(
                    Block(
                        condition: .continuation(including), parent: nil, file: file, line: lineNumber, options: []))
            default:
                guard understood.contains(key) else { continue }
                guard let value = arguments.first else { throw failure("`\(keyword)` needs a value") }
                if key == "port", Int(value).map({ (1...65535).contains($0) }) != true {
                    throw failure("`Port \(value)` is not a port number (1-65535)")
                }
                if let problem = Tokens.problem(in: value, keyword: key) { throw failure(problem) }
                blocks[blocks.count - 1].options.append(Option(key: key, value: value, line: lineNumber))
            }
        }
    }

    /// Match criteria OpenSSH knows; the ones opsctl cannot evaluate make their block not apply.
    static let matchKeywords: Set<String> = [
        "all", "canonical", "final", "exec", "host", "originalhost", "user", "localuser", "localnetwork", "tagged",
    ]

    private static func parseMatch(_ arguments: [String], failure: (String) -> SSHConfigError) throws
        -> [MatchCriterion]
    {
        if arguments.isEmpty { throw failure("`Match` needs criteria, for example `Match host web*` or `Match all`") }
        var criteria: [MatchCriterion] = []
        var index = 0
        while index < arguments.count {
            var word = Substring(arguments[index])
            index += 1
            let negated = word.hasPrefix("!")
            if negated { word = word.dropFirst() }
            let keyword = word.lowercased()
            guard matchKeywords.contains(keyword) else {
                throw failure(
                    "unknown `Match` criterion `\(word)`: use all, host, originalhost, user, localuser "
                        + "(OpenSSH's canonical, final, exec, localnetwork and tagged never match in opsctl)")
            }
            switch keyword {
            case "all":
                // OpenSSH accepts `all` alone or right after canonical/final.
                let before = criteria.filter { $0.keyword != "canonical" && $0.keyword != "final" }
                if !before.isEmpty || index < arguments.count {
                    throw failure("`Match all` must stand alone (or follow canonical or final)")
                }
                criteria.append(MatchCriterion(keyword: keyword, negated: negated, argument: nil))
            case "canonical", "final":
                criteria.append(MatchCriterion(keyword: keyword, negated: negated, argument: nil))
            default:
                guard index < arguments.count else { throw failure("`Match \(word)` needs an argument") }
                criteria.append(MatchCriterion(keyword: keyword, negated: negated, argument: arguments[index]))
                index += 1
            }
        }
        return criteria
    }

    /// An Include argument's files in lexical order: `~` is the home directory, relative names
    /// start in `sshDirectory`, glob wildcards expand; nothing matching is no error (as OpenSSH).
    static func includedFiles(_ pattern: String, sshDirectory: String) -> [String] {
        var path = pattern
        if path == "~" || path.hasPrefix("~/") {
            path = (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst()
        } else if !path.hasPrefix("/") {
            path = sshDirectory + "/" + path
        }
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(path, 0, nil, &matches) == 0 else { return [] }
        var files: [String] = []
        for index in 0..<Int(matches.gl_pathc) {
            guard let entry = matches.gl_pathv[index] else { continue }
            let file = String(cString: entry)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(file)
            }
        }
        return files.sorted()
    }

    /// `Keyword value` or `Keyword=value`.
    private static func splitKeyword(_ line: String) -> (String, String) {
        guard let end = line.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == "=" }) else { return (line, "") }
        var rest = line[end...].drop { $0 == " " || $0 == "\t" }
        if rest.first == "=" { rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" } }
        return (String(line[..<end]), String(rest))
    }

    /// Whitespace-separated arguments, double quotes grouping.
    private static func tokenize(_ text: String, file: String, line: Int, column: Int) throws -> [String] {
        var tokens: [String] = []
        var current = ""
        var inQuotes = false
        var hasToken = false
        for character in text {
            if character == "\"" {
                inQuotes.toggle()
                hasToken = true
            } else if (character == " " || character == "\t") && !inQuotes {
                if hasToken { tokens.append(current) }
                current = ""
                hasToken = false
            } else {
                current.append(character)
                hasToken = true
            }
        }
        if inQuotes {
            throw SSHConfigError(file: file, line: line, column: column, message: "unterminated quote")
        }
        if hasToken { tokens.append(current) }
        return tokens
    }
}
