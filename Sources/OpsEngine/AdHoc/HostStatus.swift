/// How a host ended a piece of work, with Ansible's vocabulary.
public enum HostStatus: String, Sendable, Equatable {
    case ok
    case changed
    case failed
    /// The host could not be reached or refused us (connection, host key, authentication).
    case unreachable
    case skipped
}
