import Foundation

/// The parts of an OpenSSH client config (`~/.ssh/config`) opsctl honours: Host blocks (patterns
/// with `*`, `?` and `!negation`), HostName, User, Port, IdentityFile and ProxyJump. As in
/// OpenSSH, the first value found for a keyword wins, and IdentityFile accumulates.
/// Parsing is pure: it reads no files beyond the text given and writes nothing.
public struct SSHConfig: Sendable, Equatable {
    public struct Block: Sendable, Equatable {
        /// The Host line's patterns; `["*"]` for the options before any Host line.
        public var patterns: [String]
        /// `Match` blocks are not supported and never apply.
        public var isMatch: Bool
        public var options: [Option]
    }

    public struct Option: Sendable, Equatable {
        /// Lowercased keyword.
        public var key: String
        public var value: String
        public var line: Int
    }

    /// What the config says about one host.
    public struct HostOptions: Sendable, Equatable {
        public var hostName: String?
        public var user: String?
        public var port: Int?
        public var identityFiles: [String] = []
        /// Jump hosts as written (`[user@]host[:port]`), outermost first; empty for `none`.
        public var proxyJump: [String]?
        public init() {}
    }

    public var file: String
    public var blocks: [Block]

    /// Keywords we read; every other keyword is accepted and ignored, as OpenSSH ignores ones
    /// it is told to (they belong to features opsctl does not have).
    static let understood: Set<String> = ["hostname", "user", "port", "identityfile", "proxyjump"]

    public init(file: String = "<none>", blocks: [Block] = []) {
        self.file = file
        self.blocks = blocks
    }

    /// `~/.ssh/config` of the user running opsctl.
    public static var userConfigPath: String {
        (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.ssh/config"
    }

    /// Reads `path`; a missing file is an empty config, as for OpenSSH.
    public static func load(path: String) throws -> SSHConfig {
        guard let data = FileManager.default.contents(atPath: path) else { return SSHConfig(file: path) }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    public static func parse(_ text: String, file: String) throws -> SSHConfig {
        var blocks = [Block(patterns: ["*"], isMatch: false, options: [])]
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let (keyword, rest) = splitKeyword(line)
            let column =
                rawLine.distance(
                    from: rawLine.startIndex, to: rawLine.firstIndex { !$0.isWhitespace } ?? rawLine.startIndex) + 1
            let key = keyword.lowercased()
            let arguments = try tokenize(rest, file: file, line: lineNumber, column: column)
            switch key {
            case "host":
                if arguments.isEmpty {
                    throw SSHConfigError(
                        file: file, line: lineNumber, column: column, message: "`Host` needs at least one pattern")
                }
                blocks.append(Block(patterns: arguments, isMatch: false, options: []))
            case "match":
                blocks.append(Block(patterns: [], isMatch: true, options: []))
            default:
                guard understood.contains(key) else { continue }
                guard let value = arguments.first else {
                    throw SSHConfigError(
                        file: file, line: lineNumber, column: column, message: "`\(keyword)` needs a value")
                }
                if key == "port", Int(value).map({ (1...65535).contains($0) }) != true {
                    throw SSHConfigError(
                        file: file, line: lineNumber, column: column,
                        message: "`Port \(value)` is not a port number (1-65535)")
                }
                blocks[blocks.count - 1].options.append(Option(key: key, value: value, line: lineNumber))
            }
        }
        return SSHConfig(file: file, blocks: blocks)
    }

    /// The options that apply to `host` (the name as given, before HostName), first value winning.
    public func options(for host: String) -> HostOptions {
        var result = HostOptions()
        var seen: Set<String> = []
        for block in blocks where !block.isMatch && Self.matches(host: host, patterns: block.patterns) {
            for option in block.options {
                if option.key == "identityfile" {
                    result.identityFiles.append(option.value)
                    continue
                }
                guard !seen.contains(option.key) else { continue }
                seen.insert(option.key)
                switch option.key {
                case "hostname": result.hostName = option.value
                case "user": result.user = option.value
                case "port": result.port = Int(option.value)
                case "proxyjump":
                    result.proxyJump =
                        option.value.lowercased() == "none"
                        ? [] : option.value.split(separator: ",").map { String($0) }
                default: break
                }
            }
        }
        return result
    }

    /// OpenSSH's rule: some positive pattern matches and no negated one does. Case-insensitive.
    public static func matches(host: String, patterns: [String]) -> Bool {
        let host = host.lowercased()
        var positive = false
        for raw in patterns.flatMap({ $0.split(separator: ",").map(String.init) }) {
            let pattern = raw.lowercased()
            if pattern.hasPrefix("!") {
                if glob(Array(pattern.dropFirst()), Array(host)) { return false }
            } else if glob(Array(pattern), Array(host)) {
                positive = true
            }
        }
        return positive
    }

    static func glob(_ pattern: [Character], _ text: [Character]) -> Bool {
        var p = 0
        var t = 0
        var star = -1
        var mark = 0
        while t < text.count {
            if p < pattern.count && (pattern[p] == "?" || pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.count && pattern[p] == "*" {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
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

/// A config line opsctl cannot use, with its position.
public struct SSHConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "\(file):\(line):\(column): \(message)" }
}
