/// templates/manifest.yml: which template renders to which output file, with whose variables,
/// and where provisioning installs it. Decodable so the caller decodes it with its YAML decoder.
public struct RenderManifest: Decodable, Equatable, Sendable {
    public let templates: [Entry]

    public init(templates: [Entry]) {
        self.templates = templates
    }

    public struct Entry: Decodable, Equatable, Sendable {
        /// Template path relative to templates/.
        public let src: String
        /// Output path relative to the --out directory.
        public let out: String
        /// The `--only` family: nginx, systemd, prometheus or kubernetes.
        public let kind: String
        /// Inventory group whose first host's variables render it, or `localhost` for group
        /// `all` variables only (no host; `inventory_hostname` is `localhost`).
        public let context: String
        /// Where provisioning installs it on the context group's hosts (`kubectl apply` for manifests).
        public let dest: String
        /// Octal file mode, e.g. "0600".
        public let mode: String
        /// The variable naming the installed file's owner and group; nil: root.
        public let ownerVariable: String?

        enum CodingKeys: String, CodingKey {
            case src, out, kind, context, dest, mode
            case ownerVariable = "owner_variable"
        }

        public init(
            src: String, out: String, kind: String, context: String, dest: String, mode: String,
            ownerVariable: String? = nil
        ) {
            self.src = src
            self.out = out
            self.kind = kind
            self.context = context
            self.dest = dest
            self.mode = mode
            self.ownerVariable = ownerVariable
        }

        /// The file mode as a number (0o644 for "0644"); nil when it is not octal.
        public var permissions: Int? { Int(mode, radix: 8) }

        /// The host this entry renders for, given the inventory's groups (Ansible's `groups`):
        /// `.localhost` for `context: localhost`, `.skip` when the group has no host.
        public func renderHost(groups: [String: [String]]) -> RenderHost {
            if context == RenderHost.localhostName { return .localhost }
            guard let first = groups[context]?.first else { return .skip(reason: "no host in group '\(context)'") }
            return .host(first)
        }
    }

    /// Entries of one `--only` family, or all of them.
    public func entries(only kind: String?) -> [Entry] {
        guard let kind else { return templates }
        return templates.filter { $0.kind == kind }
    }
}
