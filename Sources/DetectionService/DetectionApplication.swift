import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The Hummingbird application plus the drain step: `run()` shuts the drain service down before
/// the HTTP server, so on SIGTERM readiness fails first and the listener closes `drainDelay` later.
/// Test frameworks that wrap it use the server directly, without the drain.
public struct DetectionApplication: ApplicationProtocol {
    public typealias Responder = RouterResponder<ServiceRequestContext>

    let base: Application<Responder>
    let drain: DrainService
    let shutdownBound: Duration

    public var responder: Responder { get async throws { try await base.responder } }
    public var server: HTTPServerBuilder { base.server }
    public var eventLoopGroup: any EventLoopGroup { base.eventLoopGroup }
    public var configuration: ApplicationConfiguration { base.configuration }
    public var logger: Logger { base.logger }
    public var services: [any Service] { base.services }
    public var processesRunBeforeServerStart: [@Sendable () async throws -> Void] { base.processesRunBeforeServerStart }

    public func onServerRunning(_ channel: any Channel) async {
        await base.onServerRunning(channel)
    }

    public func run() async throws {
        let group = ServiceGroup(
            configuration: {
                var c = ServiceGroupConfiguration(
                    services: [.init(service: base), .init(service: drain)], logger: logger)
                c.maximumGracefulShutdownDuration = shutdownBound
                return c
            }())
        try await group.run()
    }
}
