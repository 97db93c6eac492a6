import CLibSSH2
import Foundation

/// A server's public host key as sent in the handshake.
public struct SSHHostKey: Sendable, Equatable {
    /// The SSH wire encoding (what known_hosts stores in base64).
    public var blob: Data
    /// The key's type as known_hosts spells it: `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, …
    public var typeName: String
    /// The SHA256 digest of `blob`.
    public var sha256: Data
    let libssh2Type: Int32

    init(blob: Data, libssh2Type: Int32, sha256: Data) {
        self.blob = blob
        self.libssh2Type = libssh2Type
        self.sha256 = sha256
        self.typeName = Self.readTypeName(blob) ?? "unknown"
    }

    /// `SHA256:…` as OpenSSH prints it: base64 without padding.
    public var fingerprint: String {
        var text = sha256.base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return "SHA256:" + text
    }

    /// The line known_hosts stores for this key under `hostPattern` (`host` or `[host]:port`).
    public func knownHostsLine(hostPattern: String) -> String {
        "\(hostPattern) \(typeName) \(blob.base64EncodedString())"
    }

    /// The key blob begins with its type name as an SSH string (uint32 length + bytes).
    private static func readTypeName(_ blob: Data) -> String? {
        let bytes = [UInt8](blob.prefix(68))
        guard bytes.count >= 4 else { return nil }
        let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        guard length > 0, 4 + length <= bytes.count else { return nil }
        return String(decoding: bytes[4..<(4 + length)], as: UTF8.self)
    }

    /// libssh2's known-host type bit for this key.
    var knownHostTypeMask: Int32 {
        Self.knownHostMask(forTypeName: typeName)
    }

    static func knownHostMask(forTypeName name: String) -> Int32 {
        switch name {
        case "ssh-rsa": return CSSH_KNOWNHOST_KEY_SSHRSA
        case "ssh-dss": return CSSH_KNOWNHOST_KEY_SSHDSS
        case "ecdsa-sha2-nistp256": return CSSH_KNOWNHOST_KEY_ECDSA_256
        case "ecdsa-sha2-nistp384": return CSSH_KNOWNHOST_KEY_ECDSA_384
        case "ecdsa-sha2-nistp521": return CSSH_KNOWNHOST_KEY_ECDSA_521
        case "ssh-ed25519": return CSSH_KNOWNHOST_KEY_ED25519
        default: return 0
        }
    }

    /// Key types in the order we prefer them, with the host key algorithms that present each.
    static let preferredTypes: [(type: String, algorithms: [String])] = [
        ("ssh-ed25519", ["ssh-ed25519"]),
        ("ecdsa-sha2-nistp256", ["ecdsa-sha2-nistp256"]),
        ("ecdsa-sha2-nistp384", ["ecdsa-sha2-nistp384"]),
        ("ecdsa-sha2-nistp521", ["ecdsa-sha2-nistp521"]),
        // libssh2 1.10 verifies RSA host keys only as SHA-1 `ssh-rsa`, which OpenSSH >= 8.8 no
        // longer offers: such hosts need another key type (or libssh2 >= 1.11).
        ("ssh-rsa", ["ssh-rsa"]),
    ]
}
