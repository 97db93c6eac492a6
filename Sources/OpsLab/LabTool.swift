/// The programs the lab runs on the control node and the Debian packages that provide them,
/// so a missing one is reported with the exact `apt-get install` that fixes it.
public enum LabTool {
    public static let packages: [String: String] = [
        "systemd-nspawn": "systemd-container",
        "debootstrap": "debootstrap",
        "ip": "iproute2",
        "ssh-keygen": "openssh-client",
        "ssh-keyscan": "openssh-client",
        "openssl": "openssl",
        "chroot": "coreutils",
        "mount": "mount",
        "umount": "mount",
        "mountpoint": "util-linux",
        "rm": "coreutils",
        "sha256sum": "coreutils",
        "apt-get": "apt",
        "dpkg-scanpackages": "dpkg-dev",
    ]

    /// Every tool `lab up` needs, checked before anything on the machine is changed.
    public static let required = [
        "systemd-nspawn", "debootstrap", "ip", "ssh-keygen", "openssl", "chroot", "mount", "umount",
        "mountpoint", "rm", "sha256sum", "apt-get", "dpkg-scanpackages",
    ]

    public static func package(for tool: String) -> String {
        let name = tool.split(separator: "/").last.map(String.init) ?? tool
        return packages[name] ?? name
    }
}
