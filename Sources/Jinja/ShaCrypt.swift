import Crypto

/// SHA-crypt (`$5$`, `$6$`: Ulrich Drepper's specification, what glibc's crypt and passlib compute), for
/// Ansible's `password_hash('sha512', salt)` in `user: password:`.
public enum ShaCrypt {
    public static let alphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    static let defaultRounds = 5000

    /// passlib's default rounds, which Ansible's `password_hash` and `password` lookup use.
    public static func passlibRounds(sha512: Bool) -> Int { sha512 ? 656_000 : 535_000 }

    /// A random salt of `count` (at most 16) characters of the crypt alphabet.
    public static func randomSalt(_ count: Int = 16) -> String {
        var generator = SystemRandomNumberGenerator()
        return String(
            decoding: (0..<min(max(count, 0), 16)).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
    }

    /// `$6$[rounds=N$]salt$hash`; the rounds field is written only when it is not the default 5000.
    public static func hash(_ password: String, salt: String, rounds: Int, sha512: Bool) -> String {
        let p = Array(password.utf8)
        let s = Array(salt.utf8.prefix(16))
        func digest(_ parts: [[UInt8]]) -> [UInt8] {
            if sha512 {
                var h = SHA512()
                for part in parts { h.update(data: part) }
                return Array(h.finalize())
            }
            var h = SHA256()
            for part in parts { h.update(data: part) }
            return Array(h.finalize())
        }
        func repeated(_ block: [UInt8], count: Int) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(count)
            while out.count + block.count <= count { out += block }
            out += block.prefix(count - out.count)
            return out
        }
        let b = digest([p, s, p])
        var aParts = [p, s, repeated(b, count: p.count)]
        var n = p.count
        while n > 0 {
            aParts.append(n & 1 == 1 ? b : p)
            n >>= 1
        }
        let a = digest(aParts)
        let dp = digest(Array(repeating: p, count: p.count))
        let pSeq = repeated(dp, count: p.count)
        let ds = digest(Array(repeating: s, count: 16 + Int(a[0])))
        let sSeq = Array(ds.prefix(s.count))
        var c = a
        for i in 0..<rounds {
            var parts: [[UInt8]] = [i & 1 == 1 ? pSeq : c]
            if i % 3 != 0 { parts.append(sSeq) }
            if i % 7 != 0 { parts.append(pSeq) }
            parts.append(i & 1 == 1 ? c : pSeq)
            c = digest(parts)
        }
        var out = ""
        func encode(_ b2: UInt8, _ b1: UInt8, _ b0: UInt8, _ count: Int) {
            var w = UInt32(b2) << 16 | UInt32(b1) << 8 | UInt32(b0)
            for _ in 0..<count {
                out.unicodeScalars.append(UnicodeScalar(alphabet[Int(w & 0x3f)]))
                w >>= 6
            }
        }
        if sha512 {
            var i = 0, j = 21, k = 42
            for _ in 0..<21 {
                encode(c[i], c[j], c[k], 4)
                (i, j, k) = ((j + 1) % 63, (k + 1) % 63, (i + 1) % 63)
            }
            encode(0, 0, c[63], 2)
        } else {
            var i = 0, j = 10, k = 20
            for _ in 0..<10 {
                encode(c[i], c[j], c[k], 4)
                (i, j, k) = ((k + 1) % 30, (i + 1) % 30, (j + 1) % 30)
            }
            encode(0, c[31], c[30], 3)
        }
        let roundsField = rounds == defaultRounds ? "" : "rounds=\(rounds)$"
        return "$\(sha512 ? 6 : 5)$" + roundsField + String(decoding: s, as: UTF8.self) + "$" + out
    }
}
