import Foundation
import Logging
import XCTest
import Yams

@testable import OpsLab

/// The generated files and commands, checked without a lab (no root needed).
final class LabInventoryTests: XCTestCase {
    func testHostsYAMLIsAnsibleInventoryWithEveryGroup() throws {
        let topology = try LabTopology(hostList: "lb1,app1,app2,web1")
        let inventory = LabInventory(
            hosts: topology.hosts, privateKeyPath: "/x/id_ed25519", knownHostsPath: "/x/known_hosts",
            sudoUser: "ops", sudoPassword: "secret", databasePassword: "db", apiKey: "key",
            controlAddress: "10.213.0.1")
        let root = try XCTUnwrap(try Yams.load(yaml: inventory.hostsYAML) as? [String: Any])
        let all = try XCTUnwrap(root["all"] as? [String: Any])
        let hosts = try XCTUnwrap(all["hosts"] as? [String: [String: String]])
        XCTAssertEqual(hosts["web1"]?["ansible_host"], "10.213.0.14")
        let children = try XCTUnwrap(all["children"] as? [String: Any])
        XCTAssertEqual(Set(children.keys), Set(LabTopology.groupNames))
        let app = try XCTUnwrap((children["app"] as? [String: Any])?["hosts"] as? [String: Any])
        XCTAssertEqual(Set(app.keys), ["app1", "app2"])
        XCTAssertEqual((children["db"] as? [String: Any])?.count, 0, "an empty group is still declared")
    }

    func testGroupVarsQuoteWhatYAMLWouldMisread() throws {
        let inventory = LabInventory(
            hosts: [], privateKeyPath: "/a b/id", knownHostsPath: "/k: \"h\"", sudoUser: "ops",
            sudoPassword: "p#w'\"\\", databasePassword: "db: pw", apiKey: "- key", controlAddress: "10.213.0.1")
        let vars = try XCTUnwrap(try Yams.load(yaml: inventory.groupVarsYAML) as? [String: Any])
        XCTAssertEqual(vars["ansible_ssh_private_key_file"] as? String, "/a b/id")
        XCTAssertEqual(vars["opsctl_known_hosts_file"] as? String, "/k: \"h\"")
        XCTAssertEqual(vars["lab_sudo_password"] as? String, "p#w'\"\\")
        XCTAssertEqual(vars["ansible_user"] as? String, "root")
        // The stack's secrets and the control node's address, for playbooks/provision.yml.
        XCTAssertEqual(vars["detection_service_db_password"] as? String, "db: pw")
        XCTAssertEqual(vars["detection_service_api_keys"] as? [String], ["- key"])
        XCTAssertEqual(vars["firewall_service_probe_sources"] as? [String], ["10.213.0.1/32"])
    }

    func testKnownHostsListsNameAndAddressForEachKey() throws {
        let host = try LabTopology(hostList: "db1").hosts[0]
        let text = LabInventory.knownHosts([(host, ["ssh-ed25519 AAAA1", "ecdsa-sha2-nistp256 BBBB2"])])
        XCTAssertEqual(
            text,
            """
            db1 ssh-ed25519 AAAA1
            10.213.0.11 ssh-ed25519 AAAA1
            db1 ecdsa-sha2-nistp256 BBBB2
            10.213.0.11 ecdsa-sha2-nistp256 BBBB2

            """)
    }

    func testBootCommandIsolatesTheHost() throws {
        let host = try LabTopology(hostList: "app1").hosts[0]
        let paths = LabPaths(stateDirectory: "/s", inventoryDirectory: "/i")
        let command = LabCommands.boot(
            host, base: "/s/base-1", paths: paths, aptRepository: "/s/apt-2", recipe: BaseRecipe())
        let line = command.description
        XCTAssertTrue(line.hasPrefix("systemd-nspawn "), line)
        for expected in [
            "--boot", "--register=no", "--keep-unit", "--directory=/s/hosts/app1/root",
            "--overlay=/s/base-1:/s/hosts/app1/upper:/", "--network-namespace-path=/run/netns/opsctl-app1",
            "--machine=app1", "--bind-ro=/s/apt-2:/srv/opsctl-apt",
        ] {
            XCTAssertTrue(command.arguments.contains(expected), "missing \(expected) in \(line)")
        }
        let topology = try LabTopology(hostList: "app1,db1")
        let network = LabCommands.createNetwork(topology)
        XCTAssertEqual(
            network.map(\.description), ["ip -batch -", "ip -n opsctl-app1 -batch -", "ip -n opsctl-db1 -batch -"])
        let script = network.compactMap { $0.stdin.map { String(decoding: $0, as: UTF8.self) } }.joined()
        XCTAssertTrue(script.contains("link add opsv12 type veth peer name eth0 netns opsctl-db1\n"), script)
        XCTAssertTrue(script.contains("addr add 10.213.0.12/24 dev eth0\n"), script)
        XCTAssertFalse(script.contains("default") || script.contains("route"), "no route out: \(script)")
    }

    func testShellQuotingForLogs() {
        XCTAssertEqual(
            ShellCommand(["ssh-keygen", "-N", "", "-C", "it's me"]).description,
            "ssh-keygen -N '' -C 'it'\\''s me'")
    }

    func testBaseRecipeHashFollowsTheRecipe() {
        var recipe = BaseRecipe()
        let original = recipe.hash
        XCTAssertEqual(original.count, 16)
        XCTAssertEqual(BaseRecipe().hash, original, "stable across instances")
        recipe.packages.append("nginx")
        XCTAssertNotEqual(recipe.hash, original)
    }

    func testMissingToolNamesTheDebianPackage() {
        let runner = CommandRunner(logger: Logger(label: "test"), searchPath: ["/nonexistent"])
        XCTAssertThrowsError(try LabPreflight.check(tools: ["systemd-nspawn"], runner: runner, requireRoot: false)) {
            XCTAssertEqual(
                "\($0)",
                "`systemd-nspawn` was not found in PATH; install it with `apt-get install -y systemd-container`")
        }
        XCTAssertThrowsError(try runner.run(ShellCommand(["debootstrap", "--version"]))) {
            XCTAssertTrue("\($0)".contains("apt-get install -y debootstrap"), "\($0)")
        }
    }

    func testFailedCommandReportsCommandStatusAndOutput() {
        let runner = CommandRunner(logger: Logger(label: "test"))
        XCTAssertThrowsError(try runner.run(ShellCommand(["ls", "/nonexistent-opsctl-lab"]))) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("exit status 2: ls /nonexistent-opsctl-lab"), message)
            XCTAssertTrue(message.contains("No such file or directory"), message)
        }
    }

    func testStreamedOutputIsStillReturnedWhole() throws {
        let runner = CommandRunner(logger: Logger(label: "test"))
        let command = ShellCommand(["sh", "-c", "echo one; sleep 0.1; printf 'two\\nthree'"], streamsOutput: true)
        XCTAssertEqual(try runner.run(command).stdoutText, "one\ntwo\nthree")
    }

    func testSubnetOverlapDetection() {
        XCTAssertTrue(Lab.overlaps("10.213.0.0/24", "10.213.0.0/24"))
        XCTAssertTrue(Lab.overlaps("10.0.0.0/8", "10.213.0.0/24"))
        XCTAssertTrue(Lab.overlaps("10.213.0.77", "10.213.0.0/24"))
        XCTAssertFalse(Lab.overlaps("192.0.2.0/24", "10.213.0.0/24"))
        XCTAssertFalse(Lab.overlaps("10.213.1.0/24", "10.213.0.0/24"))
    }

    func testLocalRepositoryFiles() {
        let date = Date(timeIntervalSince1970: 1_795_000_000)
        let release = AptRepository.release(packagesSHA256: "ab12", packagesSize: 345, date: date)
        XCTAssertTrue(release.contains("\nDate: Wed, 18 Nov 2026 11:06:40 UTC\n"), release)
        XCTAssertTrue(release.hasSuffix("SHA256:\n ab12 345 Packages\n"), release)
        let configuration = AptRepository.aptConfiguration(work: "/w", archives: "/r", dpkgStatus: "/b/status")
        XCTAssertTrue(configuration.contains("Dir::State::status \"/b/status\";"), configuration)
        XCTAssertTrue(configuration.contains("Dir::Cache::archives \"/r\";"), configuration)
        XCTAssertTrue(configuration.contains("APT::Get::Download-Only \"true\";"), configuration)
        XCTAssertEqual(
            LabCommands.aptDownload(["nginx"], configuration: "/w/apt.conf").description,
            "APT_CONFIG=/w/apt.conf apt-get -q -y --download-only install nginx")
    }
}
