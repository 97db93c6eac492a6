import Foundation

/// One program invocation, built before it is run so it can be logged, tested and shown (`-v`)
/// exactly as it will execute. No shell is involved: arguments are passed as they are.
public struct ShellCommand: Sendable, Equatable, CustomStringConvertible {
    public var arguments: [String]
    /// Bytes written to the program's stdin (then EOF); nil gives it /dev/null.
    public var stdin: Data?

    public init(_ arguments: [String], stdin: Data? = nil) {
        precondition(!arguments.isEmpty, "a command needs a program")
        self.arguments = arguments
        self.stdin = stdin
    }

    public var program: String { arguments[0] }

    /// The command as a POSIX shell would need it typed, for logs and error messages.
    public var description: String {
        arguments.map(ShellCommand.quote).joined(separator: " ")
    }

    public static func quote(_ word: String) -> String {
        let safe = CharacterSet(charactersIn:
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,+@%")
        if !word.isEmpty, word.unicodeScalars.allSatisfy({ safe.contains($0) }) {
            return word
        }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
