import Foundation
import Logging

/// What the executable should do, decided from its command line.
public enum LaunchAction: Sendable {
    case run(ServiceConfiguration)
    /// `--check-config`: validate everything (files included) and exit.
    case checkConfig(ServiceConfiguration)
    case printVersion
    case printHelp
}

extension ServiceConfiguration {
    public static let defaultEnvFile = "/etc/detection-service/env"
    public static let defaultAPIKeysFile = "/etc/detection-service/api-keys"

    struct Setting {
        var key: String
        var flag: String?
        var help: String
    }

    static let settings: [Setting] = [
        Setting(
            key: "DETECTION_ENV_FILE", flag: "--env-file", help: "KEY=VALUE file read first (default \(defaultEnvFile))"
        ),
        Setting(key: "DETECTION_HOST", flag: "--host", help: "listen address (default 127.0.0.1)"),
        Setting(key: "DETECTION_PORT", flag: "--port", help: "listen port (default 8000; 0 picks a free one)"),
        Setting(key: "DETECTION_METRICS_PORT", flag: "--metrics-port", help: "serve /metrics only on this port"),
        Setting(key: "DATABASE_URL", flag: "--database-url", help: "postgres://user:pass@host:5432/db; unset = SQLite"),
        Setting(
            key: "DETECTION_SQLITE_PATH", flag: "--sqlite-path",
            help: "SQLite file (default /var/lib/detection-service/detections.sqlite3)"),
        Setting(key: "DETECTION_DB_POOL_SIZE", flag: "--db-pool-size", help: "PostgreSQL connections (default 10)"),
        Setting(
            key: "DETECTION_API_KEYS_FILE", flag: "--api-keys-file",
            help: "0600 file, one key or sha256:HEX per line (default \(defaultAPIKeysFile) if present)"),
        Setting(key: "DETECTION_API_KEYS", flag: nil, help: "comma-separated keys or sha256:HEX (environment only)"),
        Setting(
            key: "DETECTION_REQUIRE_API_KEY", flag: "--require-api-key",
            help: "true|false; false serves the API without keys (development only; default true)"),
        Setting(
            key: "DETECTION_RATE_LIMIT_RPS", flag: "--rate-limit-rps", help: "per-key requests/s; 0 = off (default 20)"),
        Setting(key: "DETECTION_RATE_LIMIT_BURST", flag: "--rate-limit-burst", help: "per-key burst (default 40)"),
        Setting(
            key: "DETECTION_MAX_BODY_BYTES", flag: "--max-body-bytes", help: "request body limit (default 8388608)"),
        Setting(
            key: "DETECTION_MAX_POINTS", flag: "--max-points", help: "points per series, <= 100000 (default 100000)"),
        Setting(
            key: "DETECTION_DRAIN_DELAY", flag: "--drain-delay",
            help: "seconds /ready is 503 before the listener closes on SIGTERM (default 5)"),
        Setting(
            key: "DETECTION_SHUTDOWN_TIMEOUT", flag: "--shutdown-timeout",
            help: "seconds allowed for in-flight requests after draining (default 25)"),
        Setting(
            key: "DETECTION_LOG_LEVEL", flag: "--log-level", help: "trace|debug|info|notice|warning|error|critical"),
    ]

    public static var usage: String {
        var lines = [
            "USAGE: detection-service [--version] [--help] [--check-config] [--FLAG VALUE ...]",
            "",
            "Each setting comes from, in order of precedence: its flag, the environment, the env file.",
            "",
        ]
        for s in settings {
            let name = (s.flag.map { "\($0) / " } ?? "") + s.key
            lines.append("  \(name)")
            lines.append("      \(s.help)")
        }
        return lines.joined(separator: "\n")
    }

    /// Decides what to do from the command line, the environment and the env file; every value is
    /// validated here so the service never starts half-configured.
    public static func load(arguments: [String], environment: [String: String]) throws -> LaunchAction {
        var flagValues: [String: String] = [:]
        var checkOnly = false
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            switch arg {
            case "--version", "-V": return .printVersion
            case "--help", "-h": return .printHelp
            case "--check-config":
                checkOnly = true
                continue
            default: break
            }
            var name = arg
            var value: String?
            if let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                value = String(arg[arg.index(after: eq)...])
            }
            guard let setting = settings.first(where: { $0.flag == name }) else {
                let known = settings.compactMap(\.flag) + ["--version", "--help", "--check-config"]
                throw ConfigurationError(
                    key: arg, source: "command line", reason: "unknown flag" + suggestion(for: name, among: known))
            }
            if value == nil {
                guard i < arguments.count else {
                    throw ConfigurationError(key: setting.key, source: name, reason: "the flag needs a value")
                }
                value = arguments[i]
                i += 1
            }
            flagValues[setting.key] = value
        }

        var values: [String: (value: String, source: String)] = [:]
        let explicitEnvFile = flagValues["DETECTION_ENV_FILE"] ?? environment["DETECTION_ENV_FILE"]
        let envFile = explicitEnvFile ?? defaultEnvFile
        if FileManager.default.fileExists(atPath: envFile) {
            for (key, entry) in try EnvFile.parse(path: envFile) {
                try checkKnown(key, source: entry.source)
                values[key] = entry
            }
        } else if explicitEnvFile != nil {
            throw ConfigurationError(
                key: "DETECTION_ENV_FILE",
                source: flagValues["DETECTION_ENV_FILE"] != nil ? "--env-file" : "environment",
                reason: "\(envFile) does not exist")
        }
        // Unknown DETECTION_* variables in the environment are not ours to reject (scripts use the
        // prefix too); in the env file, which exists only for this service, they are typos.
        for (key, value) in environment where settings.contains(where: { $0.key == key }) {
            values[key] = (value, "environment")
        }
        for (key, value) in flagValues {
            let flag = settings.first { $0.key == key }?.flag ?? key
            values[key] = (value, flag)
        }
        let config = try resolve(values)
        return checkOnly ? .checkConfig(config) : .run(config)
    }

    private static func checkKnown(_ key: String, source: String) throws {
        guard key.hasPrefix("DETECTION_") || key == "DATABASE_URL" else { return }
        guard settings.contains(where: { $0.key == key }) else {
            throw ConfigurationError(
                key: key, source: source, reason: "unknown setting" + suggestion(for: key, among: settings.map(\.key)))
        }
    }

    static func resolve(_ values: [String: (value: String, source: String)]) throws -> ServiceConfiguration {
        var c = ServiceConfiguration()
        func value(_ key: String) -> (value: String, source: String)? {
            guard let v = values[key], !v.value.isEmpty else { return nil }
            return v
        }
        func fail(_ key: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(key: key, source: values[key]?.source ?? "", reason: reason)
        }
        func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
            guard let v = value(key) else { return nil }
            guard let n = Int(v.value.trimmingCharacters(in: .whitespaces)), range.contains(n) else {
                throw fail(key, "`\(v.value)` is not a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return n
        }
        func seconds(_ key: String, max: Double) throws -> Duration? {
            guard let v = value(key) else { return nil }
            var text = v.value.trimmingCharacters(in: .whitespaces)
            if text.hasSuffix("s") { text.removeLast() }
            guard let d = Double(text), d.isFinite, d >= 0, d <= max else {
                throw fail(key, "`\(v.value)` is not a number of seconds in 0...\(Int(max))")
            }
            return .milliseconds(Int64((d * 1000).rounded()))
        }

        if let v = value("DETECTION_HOST") {
            guard !v.value.contains(where: { $0.isWhitespace || $0 == "/" }) else {
                throw fail("DETECTION_HOST", "`\(v.value)` is not a host name or IP address")
            }
            c.host = v.value
        }
        if let p = try integer("DETECTION_PORT", in: 0...65535) { c.port = p }
        c.metricsPort = try integer("DETECTION_METRICS_PORT", in: 0...65535)
        if let mp = c.metricsPort, mp != 0, mp == c.port {
            throw fail("DETECTION_METRICS_PORT", "\(mp) is the API port too; pick another or leave it unset")
        }
        if let url = value("DATABASE_URL") {
            if url.value.hasPrefix("sqlite://") {
                let path = String(url.value.dropFirst("sqlite://".count))
                guard path.hasPrefix("/") else {
                    throw fail("DATABASE_URL", "sqlite:// needs an absolute path, e.g. sqlite:///var/lib/x.sqlite3")
                }
                c.database = .sqlite(path: path)
            } else {
                switch PostgresSettings.parse(url: url.value) {
                case .success(let s): c.database = .postgres(s)
                case .failure(let reason): throw fail("DATABASE_URL", reason.text)
                }
            }
        } else if let path = value("DETECTION_SQLITE_PATH") {
            c.database = .sqlite(path: path.value)
        }
        if case .sqlite(let path) = c.database {
            let dir = (path as NSString).deletingLastPathComponent
            var isDir: ObjCBool = false
            if !dir.isEmpty, !(FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) && isDir.boolValue) {
                let key = values["DATABASE_URL"] != nil ? "DATABASE_URL" : "DETECTION_SQLITE_PATH"
                throw ConfigurationError(
                    key: key, source: values[key]?.source ?? "default",
                    reason:
                        "directory \(dir) does not exist; create it (owned by the service user) or pick another path")
            }
        }
        if let n = try integer("DETECTION_DB_POOL_SIZE", in: 1...500) { c.databasePoolSize = n }

        if let v = value("DETECTION_REQUIRE_API_KEY") {
            switch v.value.lowercased() {
            case "1", "true", "yes", "on": c.requireAPIKey = true
            case "0", "false", "no", "off": c.requireAPIKey = false
            default: throw fail("DETECTION_REQUIRE_API_KEY", "`\(v.value)` is not true or false")
            }
        }
        var keys = APIKeySet()
        let keyFile = value("DETECTION_API_KEYS_FILE")
        let keyFilePath = keyFile?.value ?? defaultAPIKeysFile
        if keyFile != nil || FileManager.default.fileExists(atPath: keyFilePath) {
            do {
                try loadKeyFile(keyFilePath, into: &keys)
            } catch let reason {
                throw ConfigurationError(
                    key: "DETECTION_API_KEYS_FILE", source: keyFile?.source ?? "default", reason: reason.text)
            }
        }
        if let v = value("DETECTION_API_KEYS") {
            do {
                try keys.add(entries: v.value.split(separator: ","), location: { "entry \($0 + 1)" })
            } catch let reason {
                throw fail("DETECTION_API_KEYS", reason.text)
            }
        }
        if keys.isEmpty && c.requireAPIKey {
            throw ConfigurationError(
                key: "DETECTION_API_KEYS_FILE", source: keyFile?.source ?? "default",
                reason: "no API key configured; put keys in \(keyFilePath) (mode 0600, one per line) or "
                    + "DETECTION_API_KEYS, or set DETECTION_REQUIRE_API_KEY=false for development")
        }
        c.apiKeys = keys

        if let v = value("DETECTION_RATE_LIMIT_RPS") {
            guard let r = Double(v.value), r.isFinite, r >= 0, r <= 1_000_000 else {
                throw fail("DETECTION_RATE_LIMIT_RPS", "`\(v.value)` is not a number of requests per second >= 0")
            }
            c.rateLimit.requestsPerSecond = r
        }
        if let b = try integer("DETECTION_RATE_LIMIT_BURST", in: 1...10_000_000) { c.rateLimit.burst = b }
        if let n = try integer("DETECTION_MAX_BODY_BYTES", in: 1024...(512 * 1024 * 1024)) { c.maxBodyBytes = n }
        if let n = try integer("DETECTION_MAX_POINTS", in: 1...hardMaxPoints) { c.maxPoints = n }
        if let d = try seconds("DETECTION_DRAIN_DELAY", max: 3600) { c.drainDelay = d }
        if let d = try seconds("DETECTION_SHUTDOWN_TIMEOUT", max: 3600) { c.shutdownTimeout = d }
        if let v = value("DETECTION_LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: v.value.lowercased()) else {
                throw fail(
                    "DETECTION_LOG_LEVEL",
                    "`\(v.value)` is not one of " + Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
            }
            c.logLevel = level
        }
        return c
    }

    /// Reads a key file, refusing one that others could read (keys are credentials).
    static func loadKeyFile(_ path: String, into keys: inout APIKeySet) throws(ConfigurationReason) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ConfigurationReason("\(path): \(String(cString: strerror(errno)))")
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw ConfigurationReason(
                "\(path) has mode 0\(String(mode, radix: 8)); API keys must not be readable by others: chmod 600 \(path)"
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationReason("\(path): cannot be read")
        }
        let text = String(decoding: data, as: UTF8.self)
        try keys.add(entries: text.split(separator: "\n", omittingEmptySubsequences: false)) { "\(path):\($0 + 1)" }
    }

    static func suggestion(for name: String, among known: [String]) -> String {
        let best = known.map { ($0, editDistance($0, name)) }.min { $0.1 < $1.1 }
        guard let (candidate, distance) = best, distance <= max(2, name.count / 4) else { return "" }
        return "; did you mean `\(candidate)`?"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = Swift.min(
                    previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
