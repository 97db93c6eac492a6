/// An error in something the user wrote (inventory, playbook, vars file): says where, what,
/// and shows the offending line with a caret, like a compiler.
public struct InputError: Error, CustomStringConvertible, Sendable {
    public var location: SourceLocation?
    public var message: String
    /// The source line the location points into, when known.
    public var sourceLine: String?

    public init(_ message: String, at location: SourceLocation? = nil, sourceLine: String? = nil) {
        self.message = message
        self.location = location
        self.sourceLine = sourceLine
    }

    /// Builds the error and fills in the source line from the text the location points into.
    public init(_ message: String, at location: SourceLocation, in text: String) {
        self.init(message, at: location, sourceLine: InputError.line(location.line, of: text))
    }

    public var description: String {
        var out = location.map { "\($0): error: \(message)" } ?? "error: \(message)"
        if let sourceLine, let location {
            out += "\n" + sourceLine + "\n" + String(repeating: " ", count: max(0, location.column - 1)) + "^"
        }
        return out
    }

    static func line(_ number: Int, of text: String) -> String? {
        var current = 1
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == number { return String(line.hasSuffix("\r") ? line.dropLast() : line) }
            current += 1
        }
        return nil
    }
}
