import Crypto
import Foundation

/// postgresql_user's password rules, as community.postgresql applies them: a password given
/// already hashed (`md5…` of 35 characters, or a SCRAM verifier) is stored as given and compared
/// as text; a plaintext one is compared by recomputing the stored hash from it.
enum PostgresPassword {
    static func isHashed(_ password: String) -> Bool {
        isMD5(password) || ScramVerifier(parsing: password) != nil
    }

    static func isMD5(_ s: String) -> Bool {
        s.count == 35 && s.hasPrefix("md5") && s.dropFirst(3).allSatisfy(\.isHexDigit)
    }

    /// PostgreSQL's md5 verifier: "md5" + md5(password + user name).
    static func md5(_ password: String, user: String) -> String {
        "md5" + Insecure.MD5.hash(data: Data((password + user).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `candidate` is what `stored` (pg_authid.rolpassword; nil when the role has none) holds.
    /// An empty candidate means "no password".
    static func matches(stored: String?, candidate: String, user: String) -> Bool {
        if candidate.isEmpty { return stored == nil }
        guard let stored else { return false }
        if isHashed(candidate) { return candidate == stored }
        if let scram = ScramVerifier(parsing: stored) { return scram.matches(password: candidate) }
        if isMD5(stored) { return stored == md5(candidate, user: user) }
        return stored == candidate
    }

    /// What to send in `PASSWORD '…'`: the hash the server's `password_encryption` asks for,
    /// computed here so the plaintext never travels to the server (nor into its statement log).
    static func verifier(for password: String, user: String, encryption: String, iterations: Int?) -> String {
        if isHashed(password) { return password }
        if encryption == "md5" || encryption == "on" { return md5(password, user: user) }
        return ScramVerifier.random(password: password, iterations: iterations ?? ScramVerifier.defaultIterations).text
    }
}
