/// Where detections are stored.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresSettings)

    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let s): return "postgres://\(s.username)@\(s.host):\(s.port)/\(s.database)"
        }
    }

    public var backendName: String {
        switch self {
        case .sqlite: return "sqlite"
        case .postgres: return "postgresql"
        }
    }
}

public struct PostgresSettings: Sendable, Equatable {
    /// libpq's sslmode: `prefer` and `require` encrypt without checking the server's certificate
    /// (a stock Debian PostgreSQL serves its self-signed snakeoil pair); `verify-ca` checks the
    /// chain, `verify-full` the chain and the host name, against `sslrootcert` or the system roots.
    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// CA certificates (PEM) for verify-ca / verify-full; nil: the system's roots.
    public var rootCertificatePath: String?

    public init(
        host: String, port: Int = 5432, username: String, password: String? = nil, database: String,
        tls: TLSMode = .prefer, rootCertificatePath: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.rootCertificatePath = rootCertificatePath
    }

    /// Parses `postgres://user:password@host:port/database?sslmode=disable|prefer|require`.
    /// Returns the reason on failure so the caller can name the setting it came from.
    public static func parse(url: String) -> Result<PostgresSettings, ConfigurationReason> {
        let schemes = ["postgres://", "postgresql://"]
        guard let scheme = schemes.first(where: { url.hasPrefix($0) }) else {
            return .failure(.init("must start with postgres:// or postgresql://"))
        }
        var rest = Substring(url.dropFirst(scheme.count))
        var query = Substring("")
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        guard let slash = rest.firstIndex(of: "/") else {
            return .failure(.init("names no database; expected postgres://user@host:5432/database"))
        }
        let database = String(rest[rest.index(after: slash)...])
        var authority = rest[..<slash]
        var username = ""
        var password: String?
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                username = percentDecoded(userInfo[..<colon])
                password = percentDecoded(userInfo[userInfo.index(after: colon)...])
            } else {
                username = percentDecoded(userInfo)
            }
        }
        var host = String(authority)
        var port = 5432
        if authority.hasPrefix("[") {
            // IPv6 literal: [::1]:5432
            guard let close = authority.firstIndex(of: "]") else {
                return .failure(.init("has an unclosed [ in the host"))
            }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else {
                    return .failure(.init("has an invalid port"))
                }
                port = p
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else {
                return .failure(.init("has an invalid port `\(authority[authority.index(after: colon)...])`"))
            }
            port = p
        }
        guard !host.isEmpty else { return .failure(.init("names no host")) }
        guard !username.isEmpty else { return .failure(.init("names no user; expected postgres://user@host/database")) }
        guard !database.isEmpty else { return .failure(.init("names no database")) }
        var tls = TLSMode.prefer
        var rootCertificate: String?
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { continue }
            if kv[0] == "sslmode" {
                switch kv[1] {
                case "disable": tls = .disable
                case "allow", "prefer": tls = .prefer
                case "require": tls = .require
                case "verify-ca": tls = .verifyCA
                case "verify-full": tls = .verifyFull
                default:
                    return .failure(
                        .init("sslmode `\(kv[1])` is not one of disable, allow, prefer, require, verify-ca, verify-full"))
                }
            } else if kv[0] == "sslrootcert" {
                rootCertificate = percentDecoded(Substring(kv[1]))
            }
        }
        return .success(
            PostgresSettings(
                host: host, port: port, username: username, password: password, database: database, tls: tls,
                rootCertificatePath: rootCertificate))
    }

    private static func percentDecoded(_ s: Substring) -> String {
        guard s.contains("%") else { return String(s) }
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%"), it.count >= 2,
                let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
