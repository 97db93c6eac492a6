import ArgumentParser
import OpsTransport

struct ConnectionOptions: ParsableArguments {
    @Option(name: [.short, .customLong("user")], help: "Connect as this user (beats ansible_user).")
    var user: String?

    @Option(name: .customLong("private-key"), help: "Private key file (beats ansible_ssh_private_key_file).")
    var privateKey: String?

    @Option(name: .customLong("known-hosts"), help: "known_hosts file (default: ~/.ssh/known_hosts).")
    var knownHosts: String?

    @Flag(
        name: .customLong("accept-new-host-keys"),
        help: "Record keys of hosts not yet in known_hosts (a changed key is still refused).")
    var acceptNew = false

    @Option(name: [.customShort("T"), .customLong("timeout")], help: "Seconds to connect to a host.")
    var timeout: Double?

    @Option(name: .customLong("forks"), help: "Hosts worked on at once.")
    var forks: Int = 10

    var overrides: ConnectionOverrides {
        ConnectionOverrides(
            user: user, privateKeyFile: privateKey, knownHostsFile: knownHosts,
            hostKeyPolicy: acceptNew ? .acceptNew : nil, connectTimeout: timeout)
    }

    func validate() throws {
        guard forks >= 1 else { throw ValidationError("--forks must be at least 1") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
    }
}
