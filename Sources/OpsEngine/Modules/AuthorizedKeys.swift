import Foundation

/// An authorized_keys file as ansible.posix.authorized_key reads and rewrites it: each key line is
/// known by its base64 blob, with its type, options and comment; comment lines and lines that are
/// not keys are kept as they are, in place. The order of entries is the file's, new keys after.
struct AuthorizedKeys {
    struct Entry {
        /// The key's blob; for a kept line, the line itself.
        var id: String
        /// nil for a kept line (comment, blank or not a key).
        var type: String?
        var options: [(name: String, value: String?)] = []
        var comment = ""
        /// Sort position when written: file lines first, new keys after them.
        var rank: Int
        var line = ""

        func sameKey(as other: Entry) -> Bool {
            id == other.id && type == other.type && comment == other.comment
                && AuthorizedKeys.optionsEqual(options, other.options)
        }
    }

    /// Key types the module recognises (Ansible's list, plus the newer ones OpenSSH writes).
    static let keyTypes: Set<String> = [
        "sk-ecdsa-sha2-nistp256@openssh.com", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "ssh-ed25519", "ssh-dss", "ssh-rsa", "ssh-ed448",
        "ssh-rsa-cert-v01@openssh.com", "ssh-ed25519-cert-v01@openssh.com",
        "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
        "ecdsa-sha2-nistp521-cert-v01@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com",
        "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
    ]

    /// In insertion order, which decides between equal ranks (Python's dict order in Ansible).
    private(set) var entries: [Entry] = []

    init(parsing content: String) {
        var rank = 0
        var rest = Substring(content)
        while !rest.isEmpty {
            // Python's splitlines(True): any line break ("\r\n" is one Character) ends a line.
            let end = rest.firstIndex(where: \.isNewline).map { rest.index(after: $0) } ?? rest.endIndex
            let line = String(rest[..<end])
            rest = rest[end...]
            let entry = Self.parse(line, rank: rank) ?? Entry(id: line, type: nil, rank: rank, line: line)
            set(entry)
            rank += 1
        }
    }

    /// One line (Ansible's parsekey): split at whitespace, the first known key type starts the key,
    /// what comes before it is options, what comes after the blob is the comment. nil: not a key.
    static func parse(_ text: String, rank: Int) -> Entry? {
        let line = text.replacingOccurrences(of: "\\#", with: "#")
        // Character by character: "\r\n" is one Character, and `\.isWhitespace` would also split at
        // Unicode spaces, which Python's shlex keeps inside words.
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            .map(String.init)
        if words.first == "#" { return Entry(id: line, type: nil, rank: rank, line: line) }
        guard let i = words.firstIndex(where: { keyTypes.contains($0) }), i + 1 < words.count else { return nil }
        return Entry(
            id: words[i + 1], type: words[i], options: parseOptions(words[..<i].joined(separator: " ")),
            comment: words[(i + 2)...].joined(separator: " "), rank: rank)
    }

    /// `no-pty,from="10.0.0.1,10.0.0.2",command="x"`: split at commas outside quotes.
    static func parseOptions(_ text: String) -> [(name: String, value: String?)] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for c in text {
            if let q = quote {
                if c == q { quote = nil }
                current.append(c)
            } else if c == "\"" || c == "'" {
                quote = c
                current.append(c)
            } else if c == "," {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts.filter { !$0.isEmpty }.map { part in
            guard let eq = part.firstIndex(of: "=") else { return (part, nil) }
            return (String(part[..<eq]), String(part[part.index(after: eq)...]))
        }
    }

    /// Options as Ansible compares them: a mapping from name to its values in order.
    static func optionsEqual(_ a: [(name: String, value: String?)], _ b: [(name: String, value: String?)]) -> Bool {
        func grouped(_ o: [(name: String, value: String?)]) -> [String: [String?]] {
            var d: [String: [String?]] = [:]
            for (n, v) in o { d[n, default: []].append(v) }
            return d
        }
        return grouped(a) == grouped(b)
    }

    func entry(_ id: String) -> Entry? { entries.first { $0.id == id } }

    var ids: [String] { entries.map(\.id) }

    /// Replaces the entry with the same id where it is, or adds it at the end.
    mutating func set(_ entry: Entry) {
        if let i = entries.firstIndex(where: { $0.id == entry.id }) {
            entries[i] = entry
        } else {
            entries.append(entry)
        }
    }

    mutating func remove(_ id: String) { entries.removeAll { $0.id == id } }

    /// `state: present` (Ansible's enforce_state): a key already there with the same type, options
    /// and comment stays; one that differs is replaced and, like a new key, goes after the file's
    /// lines in the order given; `exclusive` drops every other line. Returns whether anything changed.
    mutating func add(_ keys: [Entry], exclusive: Bool) -> Bool {
        var changed = false
        let fileLines = entries.count
        for new in keys {
            if let found = entry(new.id) {
                if found.sameKey(as: new) { continue }
                remove(new.id)
            }
            var placed = new
            placed.rank = fileLines + new.rank
            set(placed)
            changed = true
        }
        if exclusive {
            let wanted = Set(keys.map(\.id))
            for id in ids where !wanted.contains(id) {
                remove(id)
                changed = true
            }
        }
        return changed
    }

    /// `state: absent`: the keys with these blobs go, whatever their options or comment.
    mutating func remove(_ keys: [Entry]) -> Bool {
        let before = entries.count
        for key in keys { remove(key.id) }
        return entries.count != before
    }

    /// The file's text: key lines rewritten in one form, kept lines as they were.
    var text: String {
        let ordered = entries.enumerated().sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }
        return ordered.map { _, e -> String in
            guard let type = e.type else { return e.line.last?.isNewline == true ? e.line : e.line + "\n" }
            var s = ""
            if !e.options.isEmpty {
                s = e.options.map { o in o.value.map { "\(o.name)=\($0)" } ?? o.name }.joined(separator: ",") + " "
            }
            s += type + " " + e.id
            if !e.comment.isEmpty { s += " " + e.comment }
            return s + "\n"
        }.joined()
    }
}
