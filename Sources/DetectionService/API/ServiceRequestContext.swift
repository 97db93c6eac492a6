import Hummingbird

public struct ServiceRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Which configured API key authenticated the request (its position), set by `APIKeyMiddleware`.
    public var apiKeyIndex: Int?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }
}
