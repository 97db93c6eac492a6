/// Whose variables render a manifest entry.
public enum RenderHost: Equatable, Sendable {
    /// This inventory host's variables, `inventory_hostname` set to it.
    case host(String)
    /// Group `all` variables only, `inventory_hostname` is `localhost` (Ansible's implicit localhost).
    case localhost
    /// Nothing to render: the context group is empty or absent (told to the user, not an error).
    case skip(reason: String)

    static let localhostName = "localhost"
}
