/// What the lab's local apt repository holds: the packages provisioning installs, with their
/// dependency closure relative to the base (what the base lacks), from the base's suite.
public struct AptRepositoryRecipe: Sendable, Equatable {
    public var packages = [
        "nginx", "postgresql", "postgresql-client", "prometheus", "prometheus-node-exporter", "nftables",
        // Ansible's apt and postgresql_* modules, and its become to an unprivileged user.
        "python3-apt", "python3-psycopg2", "acl",
        // Self-signed certificates for nginx.
        "openssl", "ssl-cert",
        // Health checks from the hosts, file sync, and the service's SQLite library.
        "curl", "rsync", "libsqlite3-0",
    ]
    /// Bump when the steps in `AptRepository.ensure` change.
    public var revision = 2

    public init() {}

    /// Depends on the base too: the closure is what the base does not already have.
    func hash(base: BaseRecipe) -> String {
        StableHash.hex(
            ["revision=\(revision)", "packages=\(packages.joined(separator: ","))", "base=\(base.hash)"]
                .joined(separator: "\n"))
    }
}
