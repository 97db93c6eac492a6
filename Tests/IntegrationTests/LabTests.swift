import Foundation
import OpsLab
import XCTest

/// Assertions on the real lab the test script brought up (see LabFixture).
final class LabTests: XCTestCase {
    func testEveryHostAnswersSSHOnPort22() throws {
        let lab = try LabFixture.load()
        XCTAssertFalse(lab.hosts.isEmpty)
        for host in lab.hosts {
            let banner = SSHProbe.banner(address: host.address, timeout: 5)
            XCTAssertTrue(
                banner?.hasPrefix("SSH-2.0-") == true, "\(host.name) (\(host.address)): banner \(banner ?? "none")")
        }
    }

    func testInventoryIsWellFormed() throws {
        let lab = try LabFixture.load()
        let names = lab.hosts.map(\.name)
        XCTAssertEqual(Set(lab.hosts.map(\.address)).count, lab.hosts.count, "addresses must be distinct")
        let subnets = Set(lab.hosts.map { $0.address.split(separator: ".").dropLast().joined(separator: ".") })
        XCTAssertEqual(subnets.count, 1, "hosts share one /24: \(subnets)")
        for group in LabTopology.groupNames {
            XCTAssertNotNil(lab.groups[group], "group \(group) is missing from hosts.yml")
        }
        for name in names {
            let expected =
                name.hasPrefix("lb")
                ? ["lb", "monitoring"]
                : name.hasPrefix("app")
                    ? ["app"]
                    : name.hasPrefix("db") ? ["db"] : name.hasPrefix("backup") ? ["backup"] : []
            let actual = lab.groups.filter { $0.value.contains(name) }.keys.sorted()
            XCTAssertEqual(actual, expected.sorted(), "groups of \(name)")
        }

        XCTAssertEqual(try lab.string("ansible_user"), "root")
        let key = try lab.string("ansible_ssh_private_key_file")
        let knownHosts = try lab.string("opsctl_known_hosts_file")
        XCTAssertTrue(key.hasPrefix("/") && knownHosts.hasPrefix("/"), "paths are absolute: \(key), \(knownHosts)")
        let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600, "the lab's private key is readable by its owner only")
        XCTAssertTrue(try String(contentsOfFile: key, encoding: .utf8).contains("OPENSSH PRIVATE KEY"))
        XCTAssertEqual(
            try lab.string("ansible_ssh_common_args"),
            "-o UserKnownHostsFile=\(knownHosts) -o StrictHostKeyChecking=yes")
        XCTAssertFalse(try lab.string("lab_sudo_user").isEmpty)
        XCTAssertGreaterThanOrEqual(try lab.string("lab_sudo_password").count, 16)
        XCTAssertNil(lab.vars["ansible_become_password"], "the sudo password is not applied to root's connections")
    }

    func testEachHostHasItsOwnHostKeys() throws {
        let lab = try LabFixture.load()
        let entries = try lab.knownHostEntries()
        var owners: [String: String] = [:]
        for host in lab.hosts {
            let keys = entries.filter { $0.pattern == host.name }.map(\.key)
            XCTAssertFalse(keys.isEmpty, "known_hosts has no key for \(host.name)")
            XCTAssertEqual(
                Set(keys), Set(entries.filter { $0.pattern == host.address }.map(\.key)),
                "\(host.name) and \(host.address) have the same keys")
            for key in keys {
                if let other = owners[key] { XCTFail("\(host.name) shares a host key with \(other)") }
                owners[key] = host.name
            }
        }
    }

    /// The keys the hosts really present, fetched with ssh-keyscan, are exactly the recorded ones.
    func testKnownHostsMatchesTheKeysHostsPresent() throws {
        let lab = try LabFixture.load()
        let entries = try lab.knownHostEntries()
        for host in lab.hosts {
            let scan = try Run.program("/usr/bin/ssh-keyscan", ["-T", "5", "-t", "ed25519,ecdsa,rsa", host.address])
            let presented = Set(
                scan.stdout.split(whereSeparator: \.isNewline).compactMap { line -> String? in
                    let fields = line.split(separator: " ")
                    return fields.count >= 3 && !line.hasPrefix("#") ? "\(fields[1]) \(fields[2])" : nil
                })
            XCTAssertFalse(presented.isEmpty, "ssh-keyscan \(host.address): \(scan.stderr)")
            XCTAssertEqual(presented, Set(entries.filter { $0.pattern == host.address }.map(\.key)), host.name)
        }
    }

    func testRootLogsInWithTheLabKeyOnEveryHost() throws {
        let lab = try LabFixture.load()
        for host in lab.hosts {
            let run = try lab.ssh("root", host.address, "id -u; hostname")
            XCTAssertEqual(run.status, 0, "\(host.name): \(run.stderr)")
            XCTAssertEqual(run.stdout, "0\n\(host.name)\n")
        }
    }

    func testSudoUserNeedsItsPassword() throws {
        let lab = try LabFixture.load()
        let user = try lab.string("lab_sudo_user")
        let password = try lab.string("lab_sudo_password")
        let address = try XCTUnwrap(lab.hosts.first).address

        let whoami = try lab.ssh(user, address, "id -un")
        XCTAssertEqual(whoami.stdout, "\(user)\n", whoami.stderr)
        let withoutPassword = try lab.ssh(user, address, "sudo -n true")
        XCTAssertNotEqual(withoutPassword.status, 0, "sudo must ask for a password")
        XCTAssertTrue(withoutPassword.stderr.contains("password is required"), withoutPassword.stderr)
        let wrong = try lab.ssh(user, address, "sudo -S -p '' id -u", stdin: "not-the-password\n")
        XCTAssertNotEqual(wrong.status, 0)
        let right = try lab.ssh(user, address, "sudo -S -p '' id -u", stdin: password + "\n")
        XCTAssertEqual(right.status, 0, right.stderr)
        XCTAssertEqual(right.stdout, "0\n")
    }

    /// The hosts reach the control node and each other by name, and nothing else.
    func testHostsResolveEachOtherAndHaveNoDefaultRoute() throws {
        let lab = try LabFixture.load()
        let first = try XCTUnwrap(lab.hosts.first)
        let last = try XCTUnwrap(lab.hosts.last)
        let run = try lab.ssh("root", first.address, "ip -4 route show; getent hosts \(last.name)")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertFalse(run.stdout.contains("default"), "no route out: \(run.stdout)")
        XCTAssertTrue(run.stdout.contains("\(last.address)"), run.stdout)
        let reach = try lab.ssh(
            "root", first.address, "timeout 5 bash -c 'exec 3<>/dev/tcp/\(last.address)/22; head -c 8 <&3'")
        XCTAssertEqual(reach.stdout, "SSH-2.0-", "\(first.name) reaches \(last.name):22: \(reach.stderr)")
    }

    /// The hosts install from the control node's local repository (they have no route out): the
    /// provisioning packages resolve, and nginx really installs, starts, and is removed again so
    /// the host stays fresh for the provisioning tests.
    func testHostsInstallPackagesFromTheLocalRepository() throws {
        let lab = try LabFixture.load()
        let host = try XCTUnwrap(lab.hosts.last)
        let packages = AptRepositoryRecipe().packages.joined(separator: " ")
        let simulate = try lab.ssh("root", host.address, "apt-get install --simulate -q \(packages)")
        XCTAssertEqual(simulate.status, 0, "closure of \(packages): \(simulate.stdout.suffix(500)) \(simulate.stderr)")

        let install = try lab.ssh(
            "root", host.address,
            "DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx >/tmp/opsctl-lab-test.log 2>&1 "
                + "|| { tail -20 /tmp/opsctl-lab-test.log; exit 1; }; systemctl is-active nginx; "
                + "apt-cache policy nginx | grep -c opsctl-apt")
        XCTAssertEqual(install.status, 0, "\(host.name): \(install.stdout) \(install.stderr)")
        XCTAssertEqual(install.stdout, "active\n1\n", "nginx runs, installed from file:/srv/opsctl-apt")

        let purge = try lab.ssh(
            "root", host.address,
            "DEBIAN_FRONTEND=noninteractive apt-get purge -y -q --autoremove nginx nginx-common >/dev/null 2>&1; "
                + "dpkg-query -W -f='${Status}' nginx 2>/dev/null | grep -c 'ok installed'")
        XCTAssertEqual(purge.stdout, "0\n", "nginx removed again from \(host.name): \(purge.stderr)")
    }
}
