import Foundation

/// Builds every command the lab runs on the control node, and nothing else: the code that runs
/// them (`Lab`) stays readable, and what it will do can be shown with `-v` or tested without root.
public enum LabCommands {
    // MARK: Base image

    public static func debootstrap(_ recipe: BaseRecipe, into target: String) -> ShellCommand {
        ShellCommand(
            [
                "debootstrap", "--variant=minbase", "--keyring=" + recipe.keyring,
                "--include=" + recipe.packages.joined(separator: ","),
                recipe.suite, target, recipe.mirror,
            ], streamsOutput: true)
    }

    public static func addSudoUser(_ recipe: BaseRecipe, root: String) -> ShellCommand {
        ShellCommand([
            "chroot", root, "useradd", "--create-home", "--uid", String(recipe.sudoUserID), "--groups", "sudo",
            "--shell", "/bin/bash", recipe.sudoUser,
        ])
    }

    // MARK: Local apt repository

    public static func aptUpdate(configuration: String) -> ShellCommand {
        ShellCommand(["apt-get", "-q", "update"], environment: ["APT_CONFIG": configuration])
    }

    public static func aptDownload(_ packages: [String], configuration: String) -> ShellCommand {
        ShellCommand(
            ["apt-get", "-q", "-y", "--download-only", "install"] + packages,
            environment: ["APT_CONFIG": configuration], streamsOutput: true)
    }

    /// The flat repository's index (`deb file:DIR ./`), printed to stdout.
    public static func scanPackages(in directory: String) -> ShellCommand {
        ShellCommand(["dpkg-scanpackages", "--multiversion", "."], directory: directory)
    }

    public static func sha256(_ path: String) -> ShellCommand { ShellCommand(["sha256sum", path]) }

    // MARK: Keys and passwords

    public static func generateHostKey(type: String, path: String, host: String) -> ShellCommand {
        ShellCommand(["ssh-keygen", "-q", "-t", type, "-N", "", "-C", "root@\(host)", "-f", path])
    }

    public static func generateLabKey(path: String) -> ShellCommand {
        ShellCommand(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "opsctl-lab", "-f", path])
    }

    /// SHA-512 crypt hash for /etc/shadow; the password goes through stdin, never argv.
    public static func hashPassword(_ password: String) -> ShellCommand {
        ShellCommand(["openssl", "passwd", "-6", "-stdin"], stdin: Data((password + "\n").utf8))
    }

    // MARK: Network

    public static func routes() -> ShellCommand { ShellCommand(["ip", "-4", "route", "show"]) }
    public static func links() -> ShellCommand { ShellCommand(["ip", "-o", "link", "show"]) }
    public static func namespaces() -> ShellCommand { ShellCommand(["ip", "netns", "list"]) }
    public static func namespacePIDs(_ namespace: String) -> ShellCommand {
        ShellCommand(["ip", "netns", "pids", namespace])
    }

    /// The whole lab network in one `ip -batch` for the root namespace and one per host
    /// namespace (addresses set before a move into a namespace are dropped by the kernel),
    /// instead of six `ip` processes per host. Each host gets `eth0` at its address with its
    /// veth peer on the bridge, and no default route: the hosts reach the control node and each
    /// other, never the outside.
    public static func createNetwork(_ topology: LabTopology) -> [ShellCommand] {
        let network = topology.network
        var root = [
            "link add \(network.bridge) type bridge",
            "addr add \(network.bridgeAddress)/24 dev \(network.bridge)",
            "link set \(network.bridge) up",
        ]
        for host in topology.hosts {
            root += [
                "netns add \(host.namespace)",
                "link add \(host.hostInterface) type veth peer name eth0 netns \(host.namespace)",
                "link set \(host.hostInterface) master \(network.bridge) up",
            ]
        }
        var commands = [ipBatch(root)]
        for host in topology.hosts {
            commands.append(
                ipBatch(
                    ["addr add \(host.address)/24 dev eth0", "link set eth0 up", "link set lo up"],
                    namespace: host.namespace))
        }
        return commands
    }

    static func ipBatch(_ lines: [String], namespace: String? = nil) -> ShellCommand {
        let options = namespace.map { ["-n", $0] } ?? []
        return ShellCommand(
            ["ip"] + options + ["-batch", "-"], stdin: Data((lines.joined(separator: "\n") + "\n").utf8),
            logsStdin: true)
    }

    public static func deleteNamespace(_ namespace: String) -> ShellCommand {
        ShellCommand(["ip", "netns", "delete", namespace])
    }

    public static func deleteLink(_ name: String) -> ShellCommand {
        ShellCommand(["ip", "link", "delete", name])
    }

    // MARK: Containers

    /// Boots the host: systemd as the container's init, the shared base under the host's own
    /// upper layer, in the host's namespace. `--register=no --keep-unit`: there is no systemd
    /// PID 1 on the control node to register with. CAP_NET_ADMIN: each host has its own network
    /// namespace, so it may only change its own firewall (nftables, as provisioning does).
    public static func boot(
        _ host: LabHost, base: String, paths: LabPaths, aptRepository: String?, recipe: BaseRecipe
    ) -> ShellCommand {
        var arguments = [
            "systemd-nspawn", "--quiet", "--boot", "--register=no", "--keep-unit",
            "--directory=" + paths.rootDirectory(host.name),
            "--overlay=" + base + ":" + paths.upperDirectory(host.name) + ":/",
            "--network-namespace-path=/run/netns/" + host.namespace,
            "--machine=" + host.name, "--hostname=" + host.name,
            "--console=read-only", "--resolv-conf=off", "--timezone=off", "--link-journal=no",
            "--capability=CAP_NET_ADMIN",
        ]
        if let aptRepository {
            arguments.append("--bind-ro=" + aptRepository + ":" + recipe.aptRepositoryMountPoint)
        }
        return ShellCommand(arguments)
    }

    // MARK: Mounts and files

    public static let nspawnRuntimeDirectory = "/run/systemd/nspawn"
    public static let nspawnRuntimeSource = "opsctl-lab"

    public static func isMountPoint(_ path: String) -> ShellCommand { ShellCommand(["mountpoint", "-q", path]) }

    /// nspawn keeps its locks and mount propagation directories here; systemd is not PID 1 on
    /// the control node, so nothing else provides a writable /run/systemd.
    public static func mountNspawnRuntime() -> ShellCommand {
        ShellCommand(["mount", "-t", "tmpfs", "-o", "mode=0755", nspawnRuntimeSource, nspawnRuntimeDirectory])
    }

    public static func unmount(_ path: String, lazy: Bool = false) -> ShellCommand {
        ShellCommand(lazy ? ["umount", "--lazy", path] : ["umount", path])
    }

    /// `--one-file-system`: a mount left behind by a killed debootstrap (its /proc) is never descended into.
    public static func removeTree(_ path: String) -> ShellCommand {
        ShellCommand(["rm", "-rf", "--one-file-system", path])
    }
}
