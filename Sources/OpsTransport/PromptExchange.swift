import Foundation

/// The per-command state of a `PromptAnswer` exchange, driven by the exec loop's callbacks
/// (all on the one thread running the command).
final class PromptExchange {
    private let request: ExecRequest
    private let prompt: PromptAnswer?
    private var stderrSeen = Data()
    private var stdoutHead = Data()
    private var promptsSeen = 0
    private var answerSent = false
    private var stdinSent = false
    private(set) var isReady: Bool
    private(set) var stdoutAfterMarker = Data()

    init(request: ExecRequest) {
        self.request = request
        self.prompt = request.prompt
        self.isReady = request.prompt == nil
    }

    /// The exec loop's stdin source: nothing until the prompt or the marker, then the answer,
    /// then the request's stdin, then EOF.
    func nextInput() -> Data? {
        if !isReady, let prompt {
            switch promptsSeen {
            case 0:
                return Data()
            case 1:
                guard let answer = prompt.answer else { return nil }
                if answerSent { return Data() }
                answerSent = true
                return answer
            default:
                // Asked again: the answer was wrong. EOF makes sudo give up now.
                return nil
            }
        }
        if !stdinSent {
            stdinSent = true
            if let stdin = request.stdin, !stdin.isEmpty { return stdin }
        }
        return nil
    }

    func receiveStderr(_ chunk: Data) {
        if let prompt, !isReady {
            stderrSeen.append(chunk)
            let count = String(decoding: stderrSeen, as: UTF8.self).components(separatedBy: prompt.prompt).count - 1
            promptsSeen = count
            return
        }
        request.onStderr?(chunk)
    }

    func receiveStdout(_ chunk: Data) {
        guard let prompt, !isReady else {
            stdoutAfterMarker.append(chunk)
            request.onStdout?(chunk)
            return
        }
        stdoutHead.append(chunk)
        let marker = Data((prompt.readyMarker + "\n").utf8)
        if let range = stdoutHead.range(of: marker) {
            isReady = true
            let rest = stdoutHead[range.upperBound...]
            if !rest.isEmpty {
                stdoutAfterMarker.append(rest)
                request.onStdout?(Data(rest))
            }
            // Whatever sudo wrote to stderr before the marker was its prompt; the rest is the command's.
            stderrSeen = Data()
        }
    }

    /// stderr without the prompt text.
    func strip(_ stderr: Data) -> (data: Data, text: String) {
        var text = String(decoding: stderr, as: UTF8.self)
        if let prompt { text = text.replacingOccurrences(of: prompt.prompt, with: "") }
        return (Data(text.utf8), text)
    }
}
