import CLibSSH2
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// An OpenSSH known_hosts file, read into libssh2's matcher (which handles hashed `|1|salt|hash`
/// entries and comma-separated names). Lines libssh2 cannot parse (key types it lacks) are
/// skipped one by one, not the whole file. Marker lines are kept apart: `@revoked` keys are
/// refused whatever else the file says, and `@cert-authority` lines never count as host keys
/// (host certificates are not supported), see `certificateAuthorityLines`.
public final class SSHKnownHosts {
    public enum Verdict: Sendable, Equatable {
        case match
        /// The host is recorded with a different key of this type: possible man-in-the-middle.
        case mismatch
        case notFound
        /// The key is listed `@revoked` on this 1-based line: refused even if another line accepts it.
        case revoked(line: Int)
    }

    /// A `@revoked` or `@cert-authority` line.
    struct MarkedLine {
        var marker: String
        var line: Int
        /// The host patterns field: a comma-separated pattern list, or one hashed `|1|…` name.
        var hosts: String
        var keyType: String
        var blob: Data
        /// libssh2's matcher for a hashed name (it alone knows the hash), holding only this line.
        var hashed: OpaquePointer?
    }

    let raw: OpaquePointer
    /// Keeps the session (the allocator of `raw`) alive.
    let session: SSHSession
    public let file: String
    /// 1-based numbers of lines that were not understood.
    public private(set) var skippedLines: [Int] = []
    private var markedLines: [MarkedLine] = []

    public init(session: SSHSession, file: String, logger: Logger) throws {
        guard let raw = libssh2_knownhost_init(session.raw) else {
            throw SSHError(
                .failure, host: session.hostName, operation: "libssh2_knownhost_init", message: "out of memory")
        }
        self.raw = raw
        self.session = session
        self.file = file
        guard let data = FileManager.default.contents(atPath: file) else { return }
        var lineNumber = 0
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("#") { continue }
            if text.hasPrefix("@") {
                if let marked = Self.markedLine(text, number: lineNumber, session: session) {
                    markedLines.append(marked)
                } else {
                    skippedLines.append(lineNumber)
                }
                continue
            }
            let rc = text.withCString { libssh2_knownhost_readline(raw, $0, strlen($0), CSSH_KNOWNHOST_FILE_OPENSSH) }
            if rc != 0 { skippedLines.append(lineNumber) }
        }
        if !skippedLines.isEmpty {
            logger.debug(
                "known_hosts lines not understood, ignored",
                metadata: ["file": "\(file)", "lines": "\(skippedLines.map(String.init).joined(separator: ","))"])
        }
    }

    deinit {
        libssh2_knownhost_free(raw)
        for marked in markedLines { if let hashed = marked.hashed { libssh2_knownhost_free(hashed) } }
    }

    /// `@revoked|@cert-authority HOSTS KEYTYPE BASE64 [COMMENT]`; nil for anything else.
    private static func markedLine(_ text: String, number: Int, session: SSHSession) -> MarkedLine? {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count >= 4, ["@revoked", "@cert-authority"].contains(fields[0].lowercased()),
            let blob = Data(base64Encoded: fields[3])
        else { return nil }
        var marked = MarkedLine(
            marker: fields[0].lowercased(), line: number, hosts: fields[1], keyType: fields[2], blob: blob)
        if fields[1].hasPrefix("|"), let hashed = libssh2_knownhost_init(session.raw) {
            let entry = fields[1...3].joined(separator: " ")
            if entry.withCString({ libssh2_knownhost_readline(hashed, $0, strlen($0), CSSH_KNOWNHOST_FILE_OPENSSH) })
                == 0
            {
                marked.hashed = hashed
            } else {
                libssh2_knownhost_free(hashed)
            }
        }
        return marked
    }

    /// Whether a marked line's host field names the host (as OpenSSH: pattern lists with `*`, `?`
    /// and `!`, matched against `host` or `[host]:port`).
    private static func names(_ marked: MarkedLine, pattern: String) -> Bool {
        if let hashed = marked.hashed {
            // Checking the line's own key answers "match" exactly when the hashed name is this host.
            let mask =
                CSSH_KNOWNHOST_TYPE_PLAIN | CSSH_KNOWNHOST_KEYENC_RAW
                | SSHHostKey.knownHostMask(forTypeName: marked.keyType)
            let rc = marked.blob.withUnsafeBytes { bytes in
                libssh2_knownhost_check(
                    hashed, pattern, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count, mask, nil)
            }
            return rc == CSSH_KNOWNHOST_CHECK_MATCH
        }
        if marked.hosts.hasPrefix("|") { return false }
        return SSHConfig.matches(host: pattern, patterns: [marked.hosts])
    }

    /// 1-based lines whose `@cert-authority` entry covers the host. opsctl cannot verify host
    /// certificates, so when these are all the file has for a host, the caller must refuse it.
    public func certificateAuthorityLines(host: String, port: Int) -> [Int] {
        let pattern = Self.hostPattern(host: host, port: port)
        return markedLines.filter { $0.marker == "@cert-authority" && Self.names($0, pattern: pattern) }.map(\.line)
    }

    /// The name known_hosts files use: `host` on port 22, `[host]:port` elsewhere (as OpenSSH).
    public static func hostPattern(host: String, port: Int) -> String {
        port == 22 ? host : "[\(host)]:\(port)"
    }

    public func check(host: String, port: Int, key: SSHHostKey) -> Verdict {
        let pattern = Self.hostPattern(host: host, port: port)
        if let revoked = markedLines.first(where: {
            $0.marker == "@revoked" && $0.blob == key.blob && Self.names($0, pattern: pattern)
        }) {
            return .revoked(line: revoked.line)
        }
        return verdict(host: host, port: port, blob: key.blob, typeMask: key.knownHostTypeMask)
    }

    /// Which key types are recorded for the host, found by probing each type with a key that
    /// cannot match: "mismatch" means an entry of that type exists (works for hashed names too).
    public func knownKeyTypes(host: String, port: Int) -> [String] {
        let probe = Data([0])
        return SSHHostKey.preferredTypes.map(\.type).filter { type in
            verdict(host: host, port: port, blob: probe, typeMask: SSHHostKey.knownHostMask(forTypeName: type))
                == .mismatch
        }
    }

    /// Host key algorithms to offer so the server shows a key we know, known types first.
    public func preferredAlgorithms(host: String, port: Int) -> [String] {
        let known = Set(knownKeyTypes(host: host, port: port))
        if known.isEmpty { return [] }
        let first = SSHHostKey.preferredTypes.filter { known.contains($0.type) }.flatMap(\.algorithms)
        let rest = SSHHostKey.preferredTypes.filter { !known.contains($0.type) }.flatMap(\.algorithms)
        return first + rest
    }

    private func verdict(host: String, port: Int, blob: Data, typeMask: Int32) -> Verdict {
        // libssh2_knownhost_checkp would fall back from [host]:port to the bare host name; OpenSSH
        // does not, so the bracketed name is matched on its own.
        let pattern = Self.hostPattern(host: host, port: port)
        let mask = CSSH_KNOWNHOST_TYPE_PLAIN | CSSH_KNOWNHOST_KEYENC_RAW | typeMask
        let rc = blob.withUnsafeBytes { bytes in
            libssh2_knownhost_check(
                raw, pattern, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count, mask, nil)
        }
        switch rc {
        case CSSH_KNOWNHOST_CHECK_MATCH: return .match
        case CSSH_KNOWNHOST_CHECK_MISMATCH: return .mismatch
        default: return .notFound
        }
    }

    /// Serializes appends from the many threads connecting to new hosts at once.
    private static let appendLock = NSLock()

    /// Appends `key` for the host (OpenSSH `accept-new`), creating the file (0600) and its
    /// directory (0700) when missing. An flock keeps concurrent opsctl processes from interleaving.
    public static func append(key: SSHHostKey, host: String, port: Int, to file: String) throws {
        appendLock.lock()
        defer { appendLock.unlock() }
        let directory = (file as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SSHError(
                .hostKey, host: host, operation: "record host key in \(file)", code: errno,
                message: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        var line = key.knownHostsLine(hostPattern: hostPattern(host: host, port: port)) + "\n"
        // Never glue our line onto a last line that lacks its newline.
        let size = lseek(fd, 0, SEEK_END)
        if size > 0, let reader = FileHandle(forReadingAtPath: file) {
            try? reader.seek(toOffset: UInt64(size - 1))
            if let last = try? reader.read(upToCount: 1), last != Data([0x0A]) { line = "\n" + line }
            try? reader.close()
        }
        let bytes = Array(line.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written != bytes.count {
            throw SSHError(
                .hostKey, host: host, operation: "record host key in \(file)", code: errno,
                message: String(cString: strerror(errno)))
        }
    }
}
