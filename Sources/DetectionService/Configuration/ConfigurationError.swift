/// A reason a value was rejected, before the caller knows which setting it came from.
public struct ConfigurationReason: Error, Sendable, Equatable {
    public var text: String
    public init(_ text: String) { self.text = text }
}

/// A setting that cannot be used; the message names the key, where the value came from and the fix.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The environment-style key, e.g. `DETECTION_PORT`.
    public var key: String
    /// Where the value came from: `--port`, `environment`, `/etc/detection-service/env:3`.
    public var source: String
    public var reason: String

    public init(key: String, source: String, reason: String) {
        self.key = key
        self.source = source
        self.reason = reason
    }

    public var description: String {
        source.isEmpty ? "\(key): \(reason)" : "\(key) (from \(source)): \(reason)"
    }
}
