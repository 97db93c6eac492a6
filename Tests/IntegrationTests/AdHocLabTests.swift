import Foundation
import XCTest

/// `opsctl run` / `ping` against the lab's real hosts, through the built binary: output per host,
/// exit codes, host-key refusal, privilege escalation, large output, dead hosts.
final class AdHocLabTests: XCTestCase {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
    }

    var inventory: String!
    var opsctl: String!

    override func setUpWithError() throws {
        let env = ProcessInfo.processInfo.environment
        guard let inv = env["OPSCTL_LAB_INVENTORY"], let bin = env["OPSCTL_BIN"] else {
            if env["CI"] == "true" { XCTFail("OPSCTL_LAB_INVENTORY and OPSCTL_BIN must be set in CI (.ci/test sets them)") }
            throw XCTSkip("no lab: run through .ci/test, or set OPSCTL_LAB_INVENTORY and OPSCTL_BIN")
        }
        inventory = inv
        opsctl = bin
    }

    func opsctl(_ args: [String], env extra: [String: String] = [:]) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: opsctl)
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let start = Date()
        try p.run()
        // Read before waiting: 10 MB of output would otherwise fill the pipe.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(
            status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self), seconds: Date().timeIntervalSince(start))
    }

    func labVar(_ name: String) throws -> String {
        let text = try String(contentsOfFile: inventory + "/group_vars/all.yml", encoding: .utf8)
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            return line.dropFirst(name.count + 1).trimmingCharacters(in: CharacterSet(charactersIn: " '\""))
        }
        throw XCTSkip("lab inventory has no \(name)")
    }

    func testRunOnEveryHostInParallelWithPrefixedOutput() throws {
        let r = try opsctl(["run", "all", "-i", inventory, "--no-color", "--", "hostname; sleep 1"])
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        let lines = r.stdout.split(separator: "\n").filter { $0.contains(" | ") }
        XCTAssertGreaterThanOrEqual(lines.count, 6, r.stdout)
        for line in lines {
            let parts = line.components(separatedBy: " | ")
            XCTAssertEqual(parts[0].trimmingCharacters(in: .whitespaces), parts[1], "each host prints its own name")
        }
        // Six hosts each sleeping one second in parallel, not one after another.
        XCTAssertLessThan(r.seconds, 5, "took \(r.seconds)s")
        XCTAssertTrue(r.stdout.contains("ok=6 failed=0 unreachable=0"), r.stdout)
    }

    func testFailedCommandExitCodeAndSummary() throws {
        let r = try opsctl(["run", "app", "-i", inventory, "--no-color", "--", "echo oops >&2; exit 3"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stdout.contains("FAILED app1: command failed (rc=3)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("oops"), r.stdout)
        XCTAssertTrue(r.stdout.contains("ok=0 failed=3 unreachable=0"), r.stdout)
    }

    func testPing() throws {
        let r = try opsctl(["ping", "lb:db", "-i", inventory, "--no-color"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("lb1 | pong"), r.stdout)
        XCTAssertTrue(r.stdout.contains("db1 | pong"), r.stdout)
    }

    func testUnknownHostKeyIsRefusedBeforeLogin() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("kh-\(UUID().uuidString)")
        try "".write(to: empty, atomically: true, encoding: .utf8)
        let r = try opsctl(["ping", "app1", "-i", inventory, "--no-color", "--known-hosts", empty.path])
        XCTAssertEqual(r.status, 4)
        XCTAssertTrue(r.stdout.contains("SHA256:"), "the fingerprint is shown: \(r.stdout)")
        XCTAssertTrue(r.stdout.lowercased().contains("app1"), r.stdout)
        // accept-new records the key, and the next strict connection accepts it.
        let accepted = try opsctl(["ping", "app1", "-i", inventory, "--known-hosts", empty.path, "--accept-new-host-keys"])
        XCTAssertEqual(accepted.status, 0, accepted.stdout + accepted.stderr)
        XCTAssertFalse(try String(contentsOf: empty, encoding: .utf8).isEmpty)
        XCTAssertEqual(try opsctl(["ping", "app1", "-i", inventory, "--known-hosts", empty.path]).status, 0)
    }

    func testChangedHostKeyIsRefusedEvenWithAcceptNew() throws {
        // app2's address with app1's keys: a host whose key changed.
        let known = try String(contentsOfFile: try labVar("opsctl_known_hosts_file"), encoding: .utf8)
        let app1Keys = known.split(separator: "\n").filter { $0.hasPrefix("app1 ") }.map { $0.dropFirst(5) }
        XCTAssertFalse(app1Keys.isEmpty)
        let hostsText = try String(contentsOfFile: inventory + "/hosts.yml", encoding: .utf8)
        XCTAssertTrue(hostsText.contains("app2"))
        let inv = FileManager.default.temporaryDirectory.appendingPathComponent("inv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: inv.appendingPathComponent("group_vars"), withIntermediateDirectories: true)
        // Connect to app2 by name so the forged entry applies.
        let address = hostsText.components(separatedBy: "app2:")[1].components(separatedBy: "ansible_host:")[1]
            .split(separator: "\n")[0].trimmingCharacters(in: .whitespaces)
        // Host keys are looked up under the address connected to, as OpenSSH does with HostName.
        let forged = FileManager.default.temporaryDirectory.appendingPathComponent("kh-\(UUID().uuidString)")
        try app1Keys.map { address + " " + $0 }.joined(separator: "\n").write(to: forged, atomically: true, encoding: .utf8)
        try "all:\n  hosts:\n    app2:\n      ansible_host: \(address)\n".write(
            to: inv.appendingPathComponent("hosts.yml"), atomically: true, encoding: .utf8)
        try "ansible_user: root\nansible_ssh_private_key_file: \(try labVar("ansible_ssh_private_key_file"))\n".write(
            to: inv.appendingPathComponent("group_vars/all.yml"), atomically: true, encoding: .utf8)
        let r = try opsctl(["ping", "app2", "-i", inv.path, "--no-color", "--known-hosts", forged.path, "--accept-new-host-keys"])
        XCTAssertEqual(r.status, 4, r.stdout)
        XCTAssertTrue(r.stdout.contains("SHA256:"), r.stdout)
        XCTAssertTrue(r.stdout.contains("differs from the one recorded"), r.stdout)
    }

    func testBecomeWithPasswordAsNonRootUser() throws {
        let user = try labVar("lab_sudo_user"), password = try labVar("lab_sudo_password")
        let ok = try opsctl(
            ["run", "app1", "-i", inventory, "--no-color", "-u", user, "--become", "--", "id -un"],
            env: ["OPSCTL_BECOME_PASSWORD": password])
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        XCTAssertTrue(ok.stdout.contains("app1 | root"), ok.stdout)
        XCTAssertFalse(ok.stdout.contains(password), "the password never shows in output")
        let wrong = try opsctl(
            ["run", "app1", "-i", inventory, "--no-color", "-u", user, "--become", "--", "id -un"],
            env: ["OPSCTL_BECOME_PASSWORD": "not-the-password"])
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.stdout.contains("incorrect password"), wrong.stdout)
        let plain = try opsctl(["run", "app1", "-i", inventory, "--no-color", "-u", user, "--", "id -un"])
        XCTAssertTrue(plain.stdout.contains("app1 | \(user)"), plain.stdout)
    }

    func testTenMegabytesOfOutput() throws {
        let r = try opsctl(["run", "db1", "-i", inventory, "--no-color", "--", "head -c 10000000 /dev/zero | tr '\\000' x | fold -w 99"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let payload = r.stdout.split(separator: "\n").filter { $0.hasPrefix("db1 | x") }
        XCTAssertEqual(payload.reduce(0) { $0 + $1.count - 6 }, 10_000_000)
    }

    func testDeadHostIsUnreachableWithinTheTimeout() throws {
        // An address in the lab's subnet where no host lives: nothing answers, nothing refuses.
        let key = try labVar("ansible_ssh_private_key_file")
        let hostsText = try String(contentsOfFile: inventory + "/hosts.yml", encoding: .utf8)
        let someAddress = hostsText.components(separatedBy: "ansible_host:")[1].split(separator: "\n")[0]
            .trimmingCharacters(in: .whitespaces)
        let ghost = someAddress.split(separator: ".").dropLast().joined(separator: ".") + ".250"
        let inv = FileManager.default.temporaryDirectory.appendingPathComponent("ghost-\(UUID().uuidString).yml")
        try "all:\n  hosts:\n    ghost:\n      ansible_host: \(ghost)\n      ansible_ssh_private_key_file: \(key)\n"
            .write(to: inv, atomically: true, encoding: .utf8)
        let r = try opsctl(["ping", "ghost", "-i", inv.path, "--no-color", "-T", "2"])
        XCTAssertEqual(r.status, 4, r.stdout)
        XCTAssertTrue(r.stdout.contains("UNREACHABLE ghost"), r.stdout)
        XCTAssertLessThan(r.seconds, 6, "reported within the 2 s timeout (plus start-up), took \(r.seconds)s")
    }
}
