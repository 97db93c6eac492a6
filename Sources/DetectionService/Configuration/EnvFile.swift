import Foundation

/// `KEY=VALUE` files in the systemd `EnvironmentFile=` style, so one file serves both.
enum EnvFile {
    /// Values keyed by name, each with its `path:line` for error messages.
    static func parse(path: String) throws -> [String: (value: String, source: String)] {
        // FileHandle rather than FileManager.contents, which refuses character devices like /dev/null.
        guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.readToEnd() ?? Data() else {
            throw ConfigurationError(key: "DETECTION_ENV_FILE", source: path, reason: "cannot be read")
        }
        return try parse(text: String(decoding: data, as: UTF8.self), path: path)
    }

    static func parse(text: String, path: String) throws -> [String: (value: String, source: String)] {
        var result: [String: (value: String, source: String)] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst("export ".count).trimmingWhitespace() }
            let location = "\(path):\(n + 1)"
            guard let eq = line.firstIndex(of: "=") else {
                throw ConfigurationError(
                    key: String(line.prefix(40)), source: location, reason: "expected KEY=VALUE")
            }
            let key = String(line[..<eq].trimmingWhitespace())
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ConfigurationError(key: key, source: location, reason: "not a valid variable name")
            }
            var value = line[line.index(after: eq)...].trimmingWhitespace()
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = value.dropFirst().dropLast()
            }
            result[key] = (String(value), location)
        }
        return result
    }
}
