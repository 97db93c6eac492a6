@preconcurrency import Yams
import OpsCore
import OpsSSH
@testable import OpsTransport
import XCTest

/// Inventory variables, flags and ~/.ssh/config meet in ConnectionSettings.resolve.
final class ConnectionResolveTests: XCTestCase {
    func vars(_ pairs: [String: String]) -> VariableSet {
        var v = VariableSet()
        for (k, value) in pairs.sorted(by: { $0.key < $1.key }) { v.set(k, Node(value, Tag(.str))) }
        return v
    }

    let config = try! SSHConfig.parse(
        """
        Host web*
          HostName %h.internal.example
          User deploy
          Port 2222
          IdentityFile ~/.ssh/web_key
          ProxyJump bastion.example
        Host *
          User fallback
        """, file: "config")

    func testConfigFillsWhatTheInventoryLeavesOut() throws {
        let s = try ConnectionSettings.resolve(host: "web1", vars: vars([:]), overrides: .init(), sshConfig: config)
        XCTAssertEqual(s.address, "web1.internal.example")
        XCTAssertEqual(s.user, "deploy")
        XCTAssertEqual(s.port, 2222)
        XCTAssertEqual(s.jumpHosts.map(\.address), ["bastion.example"])
        XCTAssertTrue(s.identityFiles.first?.hasSuffix("/.ssh/web_key") == true, "\(s.identityFiles)")
    }

    func testInventoryAndFlagsBeatTheConfig() throws {
        let s = try ConnectionSettings.resolve(
            host: "web1",
            vars: vars(["ansible_host": "10.0.0.5", "ansible_port": "22", "ansible_user": "root",
                "ansible_ssh_private_key_file": "/keys/lab"]),
            overrides: .init(user: "ops"), sshConfig: config)
        XCTAssertEqual(s.address, "10.0.0.5")
        XCTAssertEqual(s.port, 22)
        XCTAssertEqual(s.user, "ops")
        XCTAssertEqual(s.identityFiles, ["/keys/lab"])
    }

    func testAnsibleSSHArgsAndBadValues() throws {
        let s = try ConnectionSettings.resolve(
            host: "db1",
            vars: vars(["ansible_ssh_common_args": "-o UserKnownHostsFile=/tmp/kh -o StrictHostKeyChecking=accept-new -J jump@b:2200"]),
            overrides: .init(), sshConfig: nil)
        XCTAssertEqual(s.knownHostsFile, "/tmp/kh")
        XCTAssertEqual(s.hostKeyPolicy, .acceptNew)
        XCTAssertEqual(s.jumpHosts.first?.user, "jump")
        XCTAssertEqual(s.jumpHosts.first?.port, 2200)
        XCTAssertThrowsError(
            try ConnectionSettings.resolve(host: "x", vars: vars(["ansible_port": "99999"]), overrides: .init(), sshConfig: nil))
        XCTAssertThrowsError(
            try ConnectionSettings.resolve(host: "x", vars: vars(["ansible_connection": "winrm"]), overrides: .init(), sshConfig: nil)
        ) { XCTAssertTrue("\($0)".contains("not supported"), "\($0)") }
    }

    func testMatchSeesTheInventoryUserAndHostName() throws {
        let config = try SSHConfig.parse(
            """
            Match user deploy
              IdentityFile /keys/deploy
            Match host 10.0.0.*
              Port 2200
            Match originalhost web1 !user deploy
              ProxyJump other-user-bastion
            Host *
              IdentityFile /keys/default
            """, file: "config")
        let deploy = try ConnectionSettings.resolve(
            host: "web1", vars: vars(["ansible_user": "deploy", "ansible_host": "10.0.0.7"]), overrides: .init(),
            sshConfig: config)
        XCTAssertEqual(deploy.identityFiles, ["/keys/deploy", "/keys/default"])
        XCTAssertEqual(deploy.port, 2200)
        XCTAssertEqual(deploy.jumpHosts.count, 0)
        // The inventory name is the name as given when no ansible_host is set.
        let root = try ConnectionSettings.resolve(host: "web1", vars: vars([:]), overrides: .init(), sshConfig: config)
        XCTAssertEqual(root.identityFiles, ["/keys/default"])
        XCTAssertEqual(root.port, 22)
        XCTAssertEqual(root.jumpHosts.map(\.address), ["other-user-bastion"])
        // A flag user (-u) counts as well.
        let flagged = try ConnectionSettings.resolve(
            host: "web1", vars: vars([:]), overrides: .init(user: "deploy"), sshConfig: config)
        XCTAssertEqual(flagged.identityFiles, ["/keys/deploy", "/keys/default"])
    }
}
