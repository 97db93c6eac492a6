/// How the shared, read-only lower layer of every lab host is made. Its hash names the cached
/// directory, so changing anything here (packages, files, `revision`) rebuilds the base once.
public struct BaseRecipe: Sendable, Equatable {
    public var suite = "bookworm"
    public var mirror = "http://deb.debian.org/debian"
    /// Named explicitly so a control node running Ubuntu (whose debootstrap defaults to Ubuntu's
    /// keyring) verifies Debian's archive too. Not part of the hash: it does not change the result.
    public var keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"
    /// python3 because Ansible (the benchmark peer) runs its modules with it on the hosts.
    public var packages = [
        "systemd", "systemd-sysv", "dbus", "openssh-server", "sudo", "python3", "iproute2",
        "ca-certificates", "procps", "less",
    ]
    /// The non-root user with password sudo, so `become` is exercised for real.
    public var sudoUser = "ops"
    public var sudoUserID = 1000
    /// Where each host sees the control node's apt repository (bind-mounted read-only).
    public var aptRepositoryMountPoint = "/srv/opsctl-apt"
    /// Timers and services that would only reach for the network the hosts do not have.
    public var maskedUnits = [
        "apt-daily.timer", "apt-daily-upgrade.timer", "dpkg-db-backup.timer", "e2scrub_all.timer",
        "e2scrub_reap.service", "fstrim.timer", "systemd-networkd-wait-online.service",
    ]
    /// Refreshes apt's lists from the bind-mounted repository at boot, before sshd starts, so a
    /// host answering SSH can `apt-get install` at once. The repository is bind-mounted, so
    /// its contents are not part of the base.
    public var aptUpdateUnit: String {
        """
        [Unit]
        Description=Read the opsctl lab's local apt repository
        ConditionPathExists=\(aptRepositoryMountPoint)/Packages
        After=local-fs.target
        Before=ssh.service

        [Service]
        Type=oneshot
        ExecStart=-/usr/bin/apt-get -q update

        [Install]
        WantedBy=multi-user.target

        """
    }
    public static let aptUpdateUnitName = "opsctl-apt-update.service"

    /// Bump when the steps in `BaseImage.build` change in a way the fields above do not show.
    public var revision = 1

    public init() {}

    /// sshd settings shared by all hosts. Password authentication keeps Debian's default (on) so
    /// provisioning's hardening has something real to turn off.
    public var sshdConfig: String {
        """
        # Written by opsctl lab: root logs in by key only; many parallel sessions from tests.
        # Only the host key types the lab generates for each host (no RSA).
        HostKey /etc/ssh/ssh_host_ed25519_key
        HostKey /etc/ssh/ssh_host_ecdsa_key
        PermitRootLogin prohibit-password
        UseDNS no
        MaxStartups 200:30:400
        MaxSessions 200

        """
    }

    /// No translations to fetch: the local repository has none, and apt would ask for them.
    public var aptConfiguration: String {
        """
        Acquire::Languages "none";

        """
    }

    public var aptSources: String {
        """
        # The opsctl lab has no route out: apt reads the control node's local repository only.
        deb [trusted=yes] file:\(aptRepositoryMountPoint) ./

        """
    }

    /// Everything that shapes the base, in a stable textual form.
    var fingerprintText: String {
        [
            "revision=\(revision)", "suite=\(suite)", "mirror=\(mirror)",
            "packages=\(packages.joined(separator: ","))", "user=\(sudoUser):\(sudoUserID)",
            "masked=\(maskedUnits.joined(separator: ","))", "apt=\(aptRepositoryMountPoint)",
            "sshd=\(sshdConfig)", "sources=\(aptSources)", "aptconf=\(aptConfiguration)", "aptunit=\(aptUpdateUnit)",
        ].joined(separator: "\n")
    }

    public var hash: String { StableHash.hex(fingerprintText) }
}
