import HTTPTypes
import Hummingbird

/// Guards `/api/v1`: 401 without `X-API-Key`, 403 with an unknown one, 429 (with `Retry-After`)
/// when the key's token bucket is empty.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    static let header = HTTPField.Name("X-API-Key")!
    let keys: APIKeySet
    let required: Bool
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        if let presented = request.headers[Self.header], !presented.isEmpty {
            guard let index = keys.match(presented) else {
                throw APIError(
                    status: .forbidden, code: "forbidden", message: "X-API-Key: the key is not valid",
                    field: "X-API-Key")
            }
            context.apiKeyIndex = index
        } else if required {
            throw APIError(
                status: .unauthorized, code: "unauthorized", message: "X-API-Key: header is required",
                field: "X-API-Key", headers: [.wwwAuthenticate: "X-API-Key"])
        }
        // Keyless development mode shares one bucket (-1).
        if case .limited(let retryAfter) = limiter.acquire(key: context.apiKeyIndex ?? -1) {
            throw APIError(
                status: .tooManyRequests, code: "rate_limited",
                message:
                    "rate limit of \(limiter.settings.requestsPerSecond) requests/s exceeded; retry in \(retryAfter)s",
                field: nil, headers: [.retryAfter: String(retryAfter)])
        }
        return try await next(request, context)
    }
}
