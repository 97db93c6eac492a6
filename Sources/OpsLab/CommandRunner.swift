import Foundation
import Logging

/// What a finished command printed and how it ended.
public struct CommandOutput: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: Data

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Runs `ShellCommand`s to completion and logs each one at debug level (shown by `-v`).
/// Blocking: the lab is a sequence of system changes, each needing the previous one done.
public struct CommandRunner: Sendable {
    public var logger: Logger
    /// Directories searched for programs given without a slash.
    public var searchPath: [String]

    public init(logger: Logger, searchPath: [String] = CommandRunner.defaultSearchPath) {
        self.logger = logger
        self.searchPath = searchPath
    }

    /// PATH plus the sbin directories, which non-login root shells sometimes lack.
    public static var defaultSearchPath: [String] {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        var directories = path.split(separator: ":").map(String.init)
        for extra in ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        where !directories.contains(extra) {
            directories.append(extra)
        }
        return directories
    }

    public func which(_ program: String) -> String? {
        if program.contains("/") {
            return FileManager.default.isExecutableFile(atPath: program) ? program : nil
        }
        for directory in searchPath {
            let candidate = directory + "/" + program
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs the command; throws `LabError.commandFailed` on a non-zero exit.
    @discardableResult
    public func run(_ command: ShellCommand) throws -> CommandOutput {
        let output = try runAllowingFailure(command)
        guard output.status == 0 else {
            let text = output.stderrText.isEmpty ? output.stdoutText : output.stderrText
            throw LabError.commandFailed(
                command: command.description, status: output.status, output: CommandRunner.tail(text, lines: 15))
        }
        return output
    }

    /// Runs the command and returns however it ended; only failing to start it throws.
    public func runAllowingFailure(_ command: ShellCommand) throws -> CommandOutput {
        if command.logsStdin, let input = command.stdin {
            logger.debug("$ \(command.description) <<EOF\n\(String(decoding: input, as: UTF8.self))EOF")
        } else {
            logger.debug("$ \(command.description)")
        }
        guard let executable = which(command.program) else {
            throw LabError.missingTool(tool: command.program, package: LabTool.package(for: command.program))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(command.arguments.dropFirst())
        if !command.environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(command.environment) { $1 }
        }
        if let directory = command.directory {
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
        }
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        let stdinPipe: Pipe? = command.stdin == nil ? nil : Pipe()
        process.standardInput = stdinPipe ?? FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw LabError.commandFailed(command: command.description, status: -1, output: "\(error)")
        }
        // Drain stderr (and feed stdin) on threads of their own so a chatty program cannot fill one
        // pipe and block; not the global queue, which is slow to grow when its threads block.
        let stderrBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        Thread {
            stderrBox.data = stderrPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }.start()
        if let stdinPipe, let input = command.stdin {
            Thread {
                stdinPipe.fileHandleForWriting.write(input)
                try? stdinPipe.fileHandleForWriting.close()
            }.start()
        }
        let stdout =
            command.streamsOutput
            ? readLogging(stdoutPipe.fileHandleForReading, command: command)
            : stdoutPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        let status =
            process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus
            : process.terminationStatus
        if status != 0 {
            logger.debug("exit status \(status): \(command.program)")
        }
        return CommandOutput(status: status, stdout: stdout, stderr: stderrBox.data)
    }

    /// Reads to the end, logging each complete line at debug level as it arrives (`-v` shows a
    /// minutes-long debootstrap progressing).
    private func readLogging(_ handle: FileHandle, command: ShellCommand) -> Data {
        var all = Data()
        var pending = Data()
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            all.append(chunk)
            pending.append(chunk)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                logger.debug("  \(command.program): \(line)")
            }
        }
        return all
    }

    static func tail(_ text: String, lines: Int) -> String {
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        return all.suffix(lines).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}
