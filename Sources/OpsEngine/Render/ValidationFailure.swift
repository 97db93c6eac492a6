/// One problem a validator found in one rendered file, in the validator's own words.
public struct ValidationFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The tool that rejected the file, as a user would run it (`nginx -t`, `promtool check rules`...).
    public let validator: String
    /// Path of the rendered file.
    public let file: String
    /// The tool's message (its diagnostics about this file, temporary paths mapped back to `file`).
    public let message: String

    public init(validator: String, file: String, message: String) {
        self.validator = validator
        self.file = file
        self.message = message
    }

    public var description: String {
        "\(file): \(validator) failed:\n" + message.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n")
    }
}
