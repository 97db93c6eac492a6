import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension SSHConfig {
    /// The `%` tokens of ssh_config values (`man ssh_config`, TOKENS), with the values of one connection.
    public struct Tokens: Sendable, Equatable {
        /// `%h`: the remote host name (after HostName).
        public var remoteHost: String
        /// `%n` (and `%k`, as opsctl has no HostKeyAlias): the host name as given.
        public var originalHost: String
        /// `%p`
        public var port: Int
        /// `%r`
        public var remoteUser: String

        public init(remoteHost: String, originalHost: String, port: Int = 22, remoteUser: String = "") {
            self.remoteHost = remoteHost
            self.originalHost = originalHost
            self.port = port
            self.remoteUser = remoteUser
        }

        /// Tokens each keyword accepts, as OpenSSH 9 documents them. `%C` (a hash) is left out of
        /// IdentityFile's: opsctl refuses it at parse time rather than expand it differently.
        static let accepted: [String: String] = [
            "hostname": "%h",
            "identityfile": "%d%h%i%k%L%l%n%p%r%u",
            "proxyjump": "%h%n%p%r",
        ]

        /// Why `value` cannot be used for `keyword` (an unknown token, a lone `%`), or nil.
        static func problem(in value: String, keyword: String) -> String? {
            guard let accepted = accepted[keyword] else { return nil }
            var characters = value.makeIterator()
            while let character = characters.next() {
                guard character == "%" else { continue }
                guard let token = characters.next() else {
                    return "`\(value)` ends with a lone `%` (write `%%` for a percent sign)"
                }
                if token == "%" || accepted.contains("%\(token)") { continue }
                let list = (["%%"] + stride(from: 0, to: accepted.count, by: 2).map { offset -> String in
                    let start = accepted.index(accepted.startIndex, offsetBy: offset)
                    return String(accepted[start...accepted.index(after: start)])
                }).joined(separator: " ")
                return "`%\(token)` is not a token \(keyword) accepts (it accepts \(list))"
            }
            return nil
        }

        /// `value` with every token replaced; parse-time checks already refused unknown ones.
        public func expand(_ value: String) -> String {
            guard value.contains("%") else { return value }
            var result = ""
            var characters = value.makeIterator()
            while let character = characters.next() {
                guard character == "%", let token = characters.next() else {
                    result.append(character)
                    continue
                }
                switch token {
                case "%": result += "%"
                case "h": result += remoteHost
                case "n", "k": result += originalHost
                case "p": result += String(port)
                case "r": result += remoteUser
                case "u": result += Self.localUserName
                case "d": result += ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
                case "i": result += String(getuid())
                case "l": result += Self.localHostName
                case "L": result += String(Self.localHostName.prefix { $0 != "." })
                default: result += "%\(token)"
                }
            }
            return result
        }

        /// `%u`: the local user running opsctl.
        public static var localUserName: String {
            if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
            return ProcessInfo.processInfo.environment["USER"] ?? "root"
        }

        static var localHostName: String {
            var buffer = [CChar](repeating: 0, count: 256)
            guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
            return String(cString: buffer)
        }
    }
}
