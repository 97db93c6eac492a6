import Foundation

/// Prints output from many hosts at once, each whole line prefixed with its host
/// (`app1 | …`), so parallel output stays readable. Partial lines wait for their newline.
public final class HostOutputPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private var partial: [String: Data] = [:]
    private let width: Int
    private let colour: Bool
    private let write: (String) -> Void

    public init(hosts: [String], colour: Bool, write: @escaping (String) -> Void) {
        self.width = hosts.map(\.count).max() ?? 0
        self.colour = colour
        self.write = write
    }

    public func output(_ host: String, _ chunk: Data, isError: Bool = false) {
        lock.lock()
        defer { lock.unlock() }
        let key = host + (isError ? "\u{0}e" : "")
        var buffer = partial[key, default: Data()]
        buffer.append(chunk)
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            emit(host, buffer[buffer.startIndex..<newline], isError)
            buffer = Data(buffer[buffer.index(after: newline)...])
        }
        partial[key] = buffer
    }

    /// Prints what is left without a trailing newline for this host.
    public func finish(_ host: String) {
        lock.lock()
        defer { lock.unlock() }
        for (key, isError) in [(host, false), (host + "\u{0}e", true)] {
            if let rest = partial.removeValue(forKey: key), !rest.isEmpty { emit(host, rest[...], isError) }
        }
    }

    public func line(_ text: String) {
        lock.lock()
        write(text + "\n")
        lock.unlock()
    }

    private func emit(_ host: String, _ bytes: Data.SubSequence, _ isError: Bool) {
        let text = String(decoding: bytes, as: UTF8.self)
        let name = host.padding(toLength: width, withPad: " ", startingAt: 0)
        let prefix = colour ? "\u{1B}[\(isError ? "33" : "36")m\(name)\u{1B}[0m | " : "\(name) | "
        write(prefix + text + "\n")
    }
}
