import Foundation

/// One token bucket per API key: `burst` requests at once, refilled at `requestsPerSecond`.
final class RateLimiter: @unchecked Sendable {
    enum Decision: Equatable {
        case allowed
        /// Whole seconds until a token is available, for `Retry-After`.
        case limited(retryAfter: Int)
    }

    private struct Bucket {
        var tokens: Double
        var updatedNanos: UInt64
    }

    let settings: RateLimitSettings
    private let lock = NSLock()
    private var buckets: [Int: Bucket] = [:]

    init(settings: RateLimitSettings) {
        self.settings = settings
    }

    func acquire(key: Int, now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Decision {
        guard settings.isEnabled else { return .allowed }
        lock.lock()
        defer { lock.unlock() }
        let capacity = Double(settings.burst)
        var bucket = buckets[key] ?? Bucket(tokens: capacity, updatedNanos: now)
        let elapsed = Double(now &- bucket.updatedNanos) / 1e9
        bucket.tokens = min(capacity, bucket.tokens + max(0, elapsed) * settings.requestsPerSecond)
        bucket.updatedNanos = now
        if bucket.tokens >= 1 {
            bucket.tokens -= 1
            buckets[key] = bucket
            return .allowed
        }
        buckets[key] = bucket
        let wait = (1 - bucket.tokens) / settings.requestsPerSecond
        return .limited(retryAfter: max(1, Int(wait.rounded(.up))))
    }
}
