import Foundation
import Logging

/// The outcome of running an external tool: exit status and its stdout and stderr, interleaved.
struct ToolRun {
    let command: String
    let status: Int32
    let output: String

    /// Lines of output, without empty ones.
    var lines: [String] {
        output.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Runs `executable` and waits for it. One pipe for stdout and stderr: the diagnostics keep
    /// their order, and a tool filling one pipe while we read the other cannot deadlock.
    static func run(
        _ executable: URL, _ arguments: [String], timeout: TimeInterval = 120, logger: Logger
    ) throws -> ToolRun {
        let command = ([executable.lastPathComponent] + arguments).joined(separator: " ")
        logger.debug("running validator", metadata: ["command": "\(command)"])
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ValidatorError.toolFailed(command: command, status: -1, output: "\(error)")
        }
        // Read until EOF on another thread so a hung tool can be stopped after `timeout`.
        let done = DispatchSemaphore(value: 0)
        let collected = OutputBox()
        DispatchQueue.global().async {
            collected.data = pipe.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            _ = done.wait(timeout: .now() + 5)
            process.waitUntilExit()
            throw ValidatorError.toolFailed(
                command: command, status: -1, output: "no answer within \(Int(timeout)) s, stopped")
        }
        process.waitUntilExit()
        let output = String(decoding: collected.data, as: UTF8.self)
        return ToolRun(command: command, status: process.terminationStatus, output: output)
    }
}

/// Hands the bytes read on the reader thread back; the semaphore orders the accesses.
private final class OutputBox: @unchecked Sendable {
    var data = Data()
}
