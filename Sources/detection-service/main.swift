import DetectionService
import Foundation
import Logging
import ServiceLifecycle

// Thin entry point: configuration -> application -> service group with signal handling.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("detection-service: \(message)\n".utf8))
    exit(2)
}

let action: LaunchAction
do {
    action = try ServiceConfiguration.load(
        arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
} catch {
    fail("invalid configuration: \(error)")
}

switch action {
case .printVersion:
    print("detection-service \(BuildInfo.version) (build \(BuildInfo.buildID))")
case .printHelp:
    print(ServiceConfiguration.usage)
case .checkConfig(let config):
    print(
        "configuration OK: listen \(config.host):\(config.port), database \(config.database), \(config.apiKeys.count) API key(s)"
    )
case .run(let config):
    LoggingSystem.bootstrap { label in
        var handler = JSONLogHandler(label: label)
        handler.logLevel = config.logLevel
        return handler
    }
    var logger = Logger(label: "detection-service")
    logger.logLevel = config.logLevel
    do {
        let app = try await buildApplication(config, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [app], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [.sigquit],
                logger: logger))
        try await group.run()
        logger.notice("stopped")
    } catch {
        logger.critical("detection-service failed", metadata: ["error": "\(error)"])
        exit(1)
    }
}
