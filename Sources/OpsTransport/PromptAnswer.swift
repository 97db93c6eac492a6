import Foundation

/// An exchange with a command that may ask for a secret before it starts (sudo's password):
/// the transport holds stdin back until the command either prints `prompt` on stderr (then it
/// sends `answer`) or prints the `readyMarker` line on stdout (it started without asking).
/// The prompt and the marker are removed from the output; the answer is never logged.
public struct PromptAnswer: Sendable {
    public var prompt: String
    /// Sent once, at the first prompt; nil never answers (a second prompt or none gets EOF).
    public var answer: Data?
    /// A line the wrapped command prints first, proving it runs.
    public var readyMarker: String
    /// Turns the stderr of a command that never started into the reason users see.
    public var explainFailure: @Sendable (String) -> String

    public init(
        prompt: String, answer: Data?, readyMarker: String,
        explainFailure: @escaping @Sendable (String) -> String = { $0 }
    ) {
        self.prompt = prompt
        self.answer = answer
        self.readyMarker = readyMarker
        self.explainFailure = explainFailure
    }
}
