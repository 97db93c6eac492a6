import ArgumentParser
import Foundation
import Logging

struct OutputOptions: ParsableArguments {
    @Flag(name: .short, help: "More detail (-v: info, -vv: debug, -vvv: trace).")
    var verbose: Int

    @Flag(name: .customLong("no-color"), help: "No colour, even on a terminal.")
    var noColor = false

    var colour: Bool { !noColor && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }

    /// The one Logger of the run: libraries receive it, never make their own.
    func makeLogger(_ label: String = "opsctl") -> Logger {
        let level: Logger.Level = [.warning, .info, .debug, .trace][min(verbose, 3)]
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level
        return logger
    }
}
