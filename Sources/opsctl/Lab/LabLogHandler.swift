import Foundation
import Logging

/// Plain progress lines on stderr (`lab: ...`), so stdout holds only the command's result.
struct LabLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let prefix = event.level >= .warning ? "lab: \(event.level): " : "lab: "
        FileHandle.standardError.write(Data((prefix + event.message.description + "\n").utf8))
    }
}
