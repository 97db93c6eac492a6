import OpsSSH
import OpsTransport
import XCTest

final class SSHConfigTests: XCTestCase {
    let sample = """
        # global defaults come first in the file but lose to nothing: first value wins
        User fallback-user-never-used-before-host

        Host web-* !web-legacy
            HostName %h.internal.example
            User deploy
            IdentityFile ~/.ssh/web_key

        Host db?
            HostName=10.0.0.5
            Port 2222
            ProxyJump admin@bastion.example:2200,second

        Host bastion.example
            User jump-user
            IdentityFile ~/.ssh/bastion_key

        Host "quoted host"
            Port 2022

        Host *
            User everyone
            Port 22
            IdentityFile ~/.ssh/id_common
        """

    func config() throws -> SSHConfig { try SSHConfig.parse(sample, file: "/home/u/.ssh/config") }

    func testPatternsWithWildcardsAndNegation() throws {
        XCTAssertTrue(SSHConfig.matches(host: "web-1", patterns: ["web-*"]))
        XCTAssertTrue(SSHConfig.matches(host: "db1", patterns: ["db?"]))
        XCTAssertFalse(SSHConfig.matches(host: "db12", patterns: ["db?"]))
        XCTAssertFalse(SSHConfig.matches(host: "web-legacy", patterns: ["web-*", "!web-legacy"]))
        XCTAssertFalse(SSHConfig.matches(host: "anything", patterns: ["!web-legacy"]), "negation alone matches nothing")
        XCTAssertTrue(SSHConfig.matches(host: "WEB-2", patterns: ["web-*"]), "host names are case-insensitive")
        XCTAssertTrue(SSHConfig.matches(host: "a.b.c", patterns: ["x", "*.c"]))
    }

    func testFirstValueWinsAndIdentityFilesAccumulate() throws {
        let web = try config().options(for: "web-1")
        XCTAssertEqual(web.hostName, "%h.internal.example")
        XCTAssertEqual(web.user, "fallback-user-never-used-before-host", "options before any Host apply to all, first")
        XCTAssertEqual(web.port, 22)
        XCTAssertEqual(web.identityFiles, ["~/.ssh/web_key", "~/.ssh/id_common"])

        let legacy = try config().options(for: "web-legacy")
        XCTAssertNil(legacy.hostName)
        XCTAssertEqual(legacy.identityFiles, ["~/.ssh/id_common"])

        let db = try config().options(for: "db1")
        XCTAssertEqual(db.hostName, "10.0.0.5")
        XCTAssertEqual(db.port, 2222)
        XCTAssertEqual(db.proxyJump, ["admin@bastion.example:2200", "second"])

        XCTAssertEqual(try config().options(for: "quoted host").port, 2022)
    }

    func testResolvedSettings() throws {
        let config = try SSHConfig.parse(
            """
            Host app1
                HostName 192.0.2.10
                User deploy
                Port 2201
                IdentityFile /keys/%r-%h
                ProxyJump ops@bastion:2200
            Host bastion
                HostName 192.0.2.1
                IdentityFile /keys/bastion
            """, file: "cfg")
        let base = ConnectionSettings(name: "app1", knownHostsFile: "/kh", connectTimeout: 7)
        let resolved = base.resolved(with: config)
        XCTAssertEqual(resolved.name, "app1")
        XCTAssertEqual(resolved.address, "192.0.2.10")
        XCTAssertEqual(resolved.user, "deploy")
        XCTAssertEqual(resolved.port, 2201)
        XCTAssertEqual(resolved.identityFiles, ["/keys/deploy-192.0.2.10"])
        XCTAssertEqual(resolved.jumpHosts.count, 1)
        let jump = try XCTUnwrap(resolved.jumpHosts.first)
        XCTAssertEqual(jump.address, "192.0.2.1")
        XCTAssertEqual(jump.user, "ops")
        XCTAssertEqual(jump.port, 2200)
        XCTAssertEqual(jump.identityFiles, ["/keys/bastion"])
        XCTAssertEqual(jump.knownHostsFile, "/kh")
        XCTAssertEqual(jump.connectTimeout, 7)

        // Inventory values (ansible_port, ansible_user) beat the config file.
        var explicit = base
        explicit.port = 2999
        explicit.user = "admin"
        let kept = explicit.resolved(with: config, explicit: [.port, .user])
        XCTAssertEqual(kept.port, 2999)
        XCTAssertEqual(kept.user, "admin")
        XCTAssertEqual(kept.address, "192.0.2.10")
    }

    func testProxyJumpNoneAndNestedJumps() throws {
        let config = try SSHConfig.parse(
            """
            Host inner
                ProxyJump middle
            Host middle
                ProxyJump outer:2022
            Host direct
                ProxyJump none
            Host *
                ProxyJump outer
            """, file: "cfg")
        let inner = ConnectionSettings(name: "inner").resolved(with: config)
        XCTAssertEqual(inner.jumpHosts.map(\.address), ["outer", "middle"])
        XCTAssertEqual(inner.jumpHosts.map(\.port), [2022, 22])
        XCTAssertEqual(ConnectionSettings(name: "direct").resolved(with: config).jumpHosts.count, 0)
    }

    func testBadPortIsReportedWithPosition() {
        XCTAssertThrowsError(try SSHConfig.parse("Host a\n    Port http\n", file: "/c")) { error in
            XCTAssertEqual("\(error)", "/c:2:5: `Port http` is not a port number (1-65535)")
        }
        XCTAssertThrowsError(try SSHConfig.parse("Host a\n  Port 70000\n", file: "/c")) { error in
            XCTAssertEqual((error as? SSHConfigError)?.line, 2)
        }
    }

    func testOtherMalformedLines() {
        XCTAssertThrowsError(try SSHConfig.parse("Host\n", file: "/c")) { error in
            XCTAssertEqual("\(error)", "/c:1:1: `Host` needs at least one pattern")
        }
        XCTAssertThrowsError(try SSHConfig.parse("Host a\nHostName \"unterminated\n", file: "/c")) { error in
            XCTAssertEqual("\(error)", "/c:2:1: unterminated quote")
        }
        XCTAssertThrowsError(try SSHConfig.parse("User\n", file: "/c")) { error in
            XCTAssertEqual("\(error)", "/c:1:1: `User` needs a value")
        }
    }

    func testMatchBlocksApplyAndUnknownKeywordsAreIgnored() throws {
        let config = try SSHConfig.parse(
            "Match host x\n  User matched\nHost *\n  ForwardAgent yes\n  User plain\n", file: "/c")
        XCTAssertEqual(config.options(for: "x").user, "matched")
        XCTAssertEqual(config.options(for: "y").user, "plain")
    }

    func testMissingFileIsAnEmptyConfig() throws {
        let config = try SSHConfig.load(path: "/nonexistent/opsctl/ssh_config")
        XCTAssertEqual(config.options(for: "any"), SSHConfig.HostOptions())
    }
}

final class TransportFactoryTests: XCTestCase {
    func testSSHSettingsMakeAnSSHTransport() throws {
        let transport = try TransportFactory.make(for: ConnectionSettings(name: "web1"), logger: TestSSHServer.logger)
        XCTAssertTrue(transport is SSHTransport)
        XCTAssertEqual(transport.hostName, "web1")
    }

    func testLocalSettingsMakeALocalTransportThatRuns() throws {
        let settings = ConnectionSettings(name: "control", kind: .local)
        let transport = try TransportFactory.make(for: settings, logger: TestSSHServer.logger)
        XCTAssertTrue(transport is LocalTransport)
        let result = try transport.exec(ExecRequest("echo $((6 * 7)); echo err >&2; exit 3"))
        XCTAssertEqual(result.stdoutText, "42\n")
        XCTAssertEqual(result.stderrText, "err\n")
        XCTAssertEqual(result.exitStatus, 3)
        XCTAssertThrowsError(try transport.exec(ExecRequest("sleep 5 & sleep 5", timeout: 0.5))) { error in
            XCTAssertEqual(error as? TransportError, .timeout(host: "control", command: "sleep 5 & sleep 5", seconds: 0.5))
        }
    }
}
