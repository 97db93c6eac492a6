import Crypto
import Foundation

/// A PostgreSQL SCRAM-SHA-256 password verifier, `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`
/// (pg_authid.rolpassword). Recomputing it from a candidate password with the stored salt and
/// iteration count tells whether the password changed without the server ever seeing the
/// password again; computing a fresh one (what `psql`'s `\password` does) lets the modules send
/// only the verifier, so the plaintext never reaches the server's logs. RFC 5802 / RFC 7677.
struct ScramVerifier: Equatable {
    var iterations: Int
    var salt: [UInt8]
    var storedKey: [UInt8]
    var serverKey: [UInt8]

    /// PostgreSQL's default (`scram_iterations` from version 16 on).
    static let defaultIterations = 4096

    init(iterations: Int, salt: [UInt8], storedKey: [UInt8], serverKey: [UInt8]) {
        self.iterations = iterations
        self.salt = salt
        self.storedKey = storedKey
        self.serverKey = serverKey
    }

    init?(parsing text: String) {
        guard text.hasPrefix("SCRAM-SHA-256$") else { return nil }
        let parts = text.dropFirst("SCRAM-SHA-256$".count).split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let head = parts[0].split(separator: ":", omittingEmptySubsequences: false)
        let keys = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard head.count == 2, keys.count == 2, let i = Int(head[0]), i > 0,
            let salt = Data(base64Encoded: String(head[1])), let stored = Data(base64Encoded: String(keys[0])),
            let server = Data(base64Encoded: String(keys[1]))
        else { return nil }
        self.init(iterations: i, salt: [UInt8](salt), storedKey: [UInt8](stored), serverKey: [UInt8](server))
    }

    /// The verifier PostgreSQL would store for `password` with this salt and iteration count.
    init(password: String, salt: [UInt8], iterations: Int = defaultIterations) {
        let salted = Self.pbkdf2(password: Self.saslPrep(password), salt: salt, iterations: iterations)
        let key = SymmetricKey(data: salted)
        let clientKey = Data(HMAC<SHA256>.authenticationCode(for: Data("Client Key".utf8), using: key))
        let serverKey = HMAC<SHA256>.authenticationCode(for: Data("Server Key".utf8), using: key)
        self.init(
            iterations: iterations, salt: salt, storedKey: [UInt8](SHA256.hash(data: clientKey)),
            serverKey: [UInt8](Data(serverKey)))
    }

    /// A new verifier with a random 16-byte salt, as PostgreSQL makes one.
    static func random(password: String, iterations: Int = defaultIterations) -> ScramVerifier {
        var rng = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return ScramVerifier(password: password, salt: salt, iterations: iterations)
    }

    var text: String {
        "SCRAM-SHA-256$\(iterations):\(Data(salt).base64EncodedString())$"
            + "\(Data(storedKey).base64EncodedString()):\(Data(serverKey).base64EncodedString())"
    }

    func matches(password: String) -> Bool {
        self == ScramVerifier(password: password, salt: salt, iterations: iterations)
    }

    /// PBKDF2-HMAC-SHA256 for one 32-byte block (SCRAM's Hi()). The keyed HMAC state is built
    /// once and copied per round: 4096 rounds stay well under a millisecond in release builds.
    static func pbkdf2(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        let keyed = HMAC<SHA256>(key: SymmetricKey(data: password))
        var h = keyed
        h.update(data: salt + [0, 0, 0, 1])
        var u = [UInt8](Data(h.finalize()))
        var result = u
        if iterations > 1 {
            for _ in 1..<iterations {
                var next = keyed
                next.update(data: u)
                u = [UInt8](Data(next.finalize()))
                for i in 0..<result.count { result[i] ^= u[i] }
            }
        }
        return result
    }

    /// PostgreSQL's pg_saslprep, in the part passwords meet: ASCII passes unchanged; otherwise
    /// non-ASCII spaces become spaces, "mapped to nothing" characters go, NFKC normalises. Where
    /// PostgreSQL would give up (prohibited characters) it uses the raw bytes, and so do we.
    static func saslPrep(_ password: String) -> [UInt8] {
        let raw = [UInt8](password.utf8)
        if raw.allSatisfy({ $0 < 0x80 }) { return raw }
        var mapped = String.UnicodeScalarView()
        for s in password.unicodeScalars {
            if nonASCIISpaces.contains(s.value) {
                mapped.append(" ")
            } else if !mappedToNothing.contains(s.value) {
                mapped.append(s)
            }
        }
        let normalized = String(mapped).precomposedStringWithCompatibilityMapping
        if normalized.isEmpty { return raw }
        for s in normalized.unicodeScalars where prohibited(s) { return raw }
        return [UInt8](normalized.utf8)
    }

    private static let nonASCIISpaces: Set<UInt32> = [
        0x00A0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A,
        0x200B, 0x202F, 0x205F, 0x3000,
    ]
    private static let mappedToNothing: Set<UInt32> = [
        0x00AD, 0x034F, 0x1806, 0x180B, 0x180C, 0x180D, 0x200C, 0x200D, 0x2060, 0xFE00, 0xFE01, 0xFE02, 0xFE03,
        0xFE04, 0xFE05, 0xFE06, 0xFE07, 0xFE08, 0xFE09, 0xFE0A, 0xFE0B, 0xFE0C, 0xFE0D, 0xFE0E, 0xFE0F, 0xFEFF,
    ]

    /// RFC 4013's prohibited output: controls, private use, non-characters, surrogates, tagging.
    private static func prohibited(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x20 || (0x7F...0x9F).contains(v) { return true }
        if (0xE000...0xF8FF).contains(v) || (0xF0000...0xFFFFD).contains(v) || (0x100000...0x10FFFD).contains(v) {
            return true
        }
        if (0xFDD0...0xFDEF).contains(v) || v & 0xFFFE == 0xFFFE { return true }
        if (0xFFF9...0xFFFD).contains(v) || (0x2FF0...0x2FFB).contains(v) || (0xE0001...0xE007F).contains(v) {
            return true
        }
        return [0x0340, 0x0341, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x206A, 0x206B, 0x206C,
            0x206D, 0x206E, 0x206F].contains(v)
    }
}
