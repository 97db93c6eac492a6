import Foundation

/// A point on the monotonic clock; `nil` seconds means no deadline.
public struct Deadline: Sendable {
    /// Nanoseconds on the monotonic clock, or nil for "never".
    let uptimeNanoseconds: UInt64?

    public init(seconds: Double?) {
        if let seconds {
            let now = DispatchTime.now().uptimeNanoseconds
            uptimeNanoseconds = now + UInt64(max(0, seconds) * 1_000_000_000)
        } else {
            uptimeNanoseconds = nil
        }
    }

    public static let never = Deadline(seconds: nil)

    public var isExpired: Bool {
        guard let at = uptimeNanoseconds else { return false }
        return DispatchTime.now().uptimeNanoseconds >= at
    }

    /// Milliseconds left, for poll(2): -1 when there is no deadline, never negative otherwise.
    public var pollMilliseconds: Int32 {
        guard let at = uptimeNanoseconds else { return -1 }
        let now = DispatchTime.now().uptimeNanoseconds
        if now >= at { return 0 }
        return Int32(clamping: (at - now + 999_999) / 1_000_000)
    }

    /// The earlier of two deadlines.
    public func earlier(_ other: Deadline) -> Deadline {
        switch (uptimeNanoseconds, other.uptimeNanoseconds) {
        case (nil, _): return other
        case (_, nil): return self
        case (let a?, let b?): return a <= b ? self : other
        }
    }

    init(uptimeNanoseconds: UInt64?) {
        self.uptimeNanoseconds = uptimeNanoseconds
    }
}
