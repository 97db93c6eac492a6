import Crypto

/// The accepted API keys, held only as SHA-256 digests.
///
/// Key file format (and the `DETECTION_API_KEYS` variable, comma-separated): one key per line;
/// `sha256:<64 hex digits>` is a digest of a key, anything else is the key itself and is hashed
/// on load. Blank lines and lines starting with `#` are ignored; surrounding whitespace is trimmed.
public struct APIKeySet: Sendable, Equatable {
    public private(set) var digests: [[UInt8]]

    public init() { self.digests = [] }

    /// Plaintext keys; for tests and development.
    public init(keys: [String]) {
        self.digests = keys.map(Self.digest)
    }

    public var isEmpty: Bool { digests.isEmpty }
    public var count: Int { digests.count }

    public static func digest(_ key: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(key.utf8)))
    }

    public static func hexDigest(_ key: String) -> String {
        digest(key).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    /// Adds the entries of a key file or variable. `location(n)` names entry n for error messages.
    public mutating func add(entries: [Substring], location: (Int) -> String) throws(ConfigurationReason) {
        for (n, raw) in entries.enumerated() {
            let line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("sha256:") {
                let hex = line.dropFirst("sha256:".count)
                guard hex.utf8.count == 64, let bytes = Self.bytes(fromHex: hex) else {
                    throw ConfigurationReason(
                        "\(location(n)): `sha256:` must be followed by 64 hex digits "
                            + "(printf %s KEY | sha256sum)")
                }
                digests.append(bytes)
            } else {
                guard line.utf8.count >= 16 else {
                    throw ConfigurationReason(
                        "\(location(n)): key is shorter than 16 characters; use e.g. `openssl rand -hex 32`")
                }
                digests.append(Self.digest(String(line)))
            }
        }
    }

    /// Which key matched (its position), or nil. Every stored digest is compared in full, so the
    /// time taken does not depend on where or whether the key matches.
    public func match(_ presented: String) -> Int? {
        let candidate = Self.digest(presented)
        var found = -1
        for (i, d) in digests.enumerated() {
            var diff: UInt8 = 0
            for j in 0..<32 { diff |= d[j] ^ candidate[j] }
            // Branch-free select keeps the loop's timing independent of the match.
            let equal = Int(diff == 0 ? 1 : 0)
            found = equal * i + (1 - equal) * found
        }
        return found >= 0 ? found : nil
    }

    static func bytes(fromHex hex: Substring) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for c in hex.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return high == nil ? out : nil
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
