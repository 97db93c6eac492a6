import Foundation

/// One program invocation, built before it is run so it can be logged, tested and shown (`-v`)
/// exactly as it will execute. No shell is involved: arguments are passed as they are.
public struct ShellCommand: Sendable, Equatable, CustomStringConvertible {
    public var arguments: [String]
    /// Bytes written to the program's stdin (then EOF); nil gives it /dev/null.
    public var stdin: Data?
    /// Variables added to the inherited environment.
    public var environment: [String: String]
    /// Working directory; nil keeps the caller's.
    public var directory: String?
    /// Whether `-v` may show stdin (a script such as `ip -batch` input; never a password).
    public var logsStdin: Bool
    /// Whether `-v` shows stdout line by line while the command runs (long downloads).
    public var streamsOutput: Bool

    public init(
        _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:], directory: String? = nil,
        logsStdin: Bool = false, streamsOutput: Bool = false
    ) {
        precondition(!arguments.isEmpty, "a command needs a program")
        self.arguments = arguments
        self.stdin = stdin
        self.environment = environment
        self.directory = directory
        self.logsStdin = logsStdin
        self.streamsOutput = streamsOutput
    }

    public var program: String { arguments[0] }

    /// The command as a POSIX shell would need it typed, for logs and error messages.
    public var description: String {
        let variables = environment.sorted { $0.key < $1.key }.map { "\($0.key)=" + ShellCommand.quote($0.value) }
        let command = (variables + arguments.map(ShellCommand.quote)).joined(separator: " ")
        return directory.map { "(cd \(ShellCommand.quote($0)) && \(command))" } ?? command
    }

    public static func quote(_ word: String) -> String {
        let safe = CharacterSet(
            charactersIn:
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,+@%")
        if !word.isEmpty, word.unicodeScalars.allSatisfy({ safe.contains($0) }) {
            return word
        }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
