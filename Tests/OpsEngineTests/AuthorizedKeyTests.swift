import Foundation
import Jinja
@testable import OpsEngine
import XCTest

/// authorized_key on this machine: a real account made for the test (removed afterwards), real
/// keys from ssh-keygen, and ssh-keygen reading the file back as sshd would.
final class AuthorizedKeyTests: XCTestCase {
    let user = "opsk\(getpid() % 100000)"
    var keys: [String] = []
    var scratch: Scratch!

    override func setUpWithError() throws {
        scratch = try Scratch()
        XCTAssertEqual(shell("useradd -m -d \(scratch.path("home")) -s /bin/sh \(user)").0, 0, "useradd failed")
        for i in 0..<3 {
            let file = scratch.path("key\(i)")
            XCTAssertEqual(shell("ssh-keygen -q -t ed25519 -N '' -C 'key\(i)@test' -f \(file)").0, 0)
            keys.append(try String(contentsOfFile: file + ".pub", encoding: .utf8).trimmingCharacters(in: .newlines))
        }
    }

    override func tearDown() { shell("userdel -r \(user)") }

    @discardableResult
    func shell(_ command: String) -> (Int32, String) { runShell(command, trimmed: true) }

    var home: String { scratch.path("home") }
    var keyfile: String { home + "/.ssh/authorized_keys" }
    func content() -> String { (try? String(contentsOfFile: keyfile, encoding: .utf8)) ?? "" }

    func task(_ args: String) -> String { "- name: k\n  authorized_key: {user: \(user), \(args)}\n  register: r" }

    /// The blob of key i (what identifies it in the file).
    func blob(_ i: Int) -> String { String(keys[i].split(separator: " ")[1]) }

    func testPresentIdempotentCheckDiffAndAbsent() throws {
        let add = task("key: '\(keys[0])'")
        let check = try scratch.run(add, check: true, diff: true)
        XCTAssertEqual(check.task("k").status, .changed, "\(check.failures)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: home + "/.ssh"))
        let diff = try XCTUnwrap(check.task("k").result.diffs.first)
        XCTAssertEqual(diff.before, "")
        XCTAssertEqual(diff.after, keys[0] + "\n")

        let first = try scratch.run(add)
        let k = first.task("k")
        XCTAssertEqual(k.status, .changed, "\(first.failures)")
        XCTAssertEqual(content(), keys[0] + "\n")
        XCTAssertEqual(k.string("keyfile"), keyfile)
        XCTAssertEqual(k.string("user"), user)
        XCTAssertEqual(k.string("key"), keys[0])
        XCTAssertEqual(k.string("state"), "present")
        XCTAssertEqual(k.value("exclusive")?.boolValue, false)
        XCTAssertEqual(k.value("manage_dir")?.boolValue, true)
        XCTAssertEqual(k.value("key_options")?.isNone, true)
        XCTAssertEqual(k.value("path")?.isNone, true)
        XCTAssertEqual(shell("stat -c '%a %U' \(home)/.ssh").1, "700 \(user)")
        XCTAssertEqual(shell("stat -c '%a %U' \(keyfile)").1, "600 \(user)")
        XCTAssertEqual(shell("ssh-keygen -lf \(keyfile) | wc -l").1, "1")
        XCTAssertEqual(try scratch.run(add).task("k").status, .ok)

        // A second key goes after the first; a line sshd ignores stays where it is.
        try "# managed elsewhere\n\(keys[0])\n".write(toFile: keyfile, atomically: true, encoding: .utf8)
        let two = task("key: \"\(keys[1])\\n\(keys[2])\"")
        let added = try scratch.run(two, diff: true)
        XCTAssertEqual(added.task("k").status, .changed)
        XCTAssertEqual(content(), "# managed elsewhere\n\(keys[0])\n\(keys[1])\n\(keys[2])\n")
        XCTAssertEqual(added.task("k").result.diffs.first?.before, "# managed elsewhere\n\(keys[0])\n")
        XCTAssertEqual(try scratch.run(two).task("k").status, .ok)

        let absent = task("key: '\(keys[1])', state: absent")
        XCTAssertEqual(try scratch.run(absent, check: true).task("k").status, .changed)
        XCTAssertTrue(content().contains(blob(1)))
        XCTAssertEqual(try scratch.run(absent).task("k").status, .changed)
        XCTAssertEqual(content(), "# managed elsewhere\n\(keys[0])\n\(keys[2])\n")
        XCTAssertEqual(try scratch.run(absent).task("k").status, .ok)
    }

    func testKeyOptionsCommentAndExclusive() throws {
        _ = try scratch.run(task("key: \"\(keys[0])\\n\(keys[1])\""))
        let options = task("key: '\(keys[0])', key_options: 'no-port-forwarding,from=\"10.0.1.1,10.0.1.2\"'")
        let first = try scratch.run(options)
        XCTAssertEqual(first.task("k").status, .changed, "\(first.failures)")
        XCTAssertEqual(first.task("k").string("key_options"), "no-port-forwarding,from=\"10.0.1.1,10.0.1.2\"")
        // A key whose options change is rewritten and moves after the others, as in Ansible.
        XCTAssertEqual(content(), "\(keys[1])\nno-port-forwarding,from=\"10.0.1.1,10.0.1.2\" \(keys[0])\n")
        XCTAssertEqual(shell("ssh-keygen -lf \(keyfile) | wc -l").1, "2", "ssh-keygen cannot read the file")
        XCTAssertEqual(try scratch.run(options).task("k").status, .ok)
        // The same options in another order are the same options.
        let reordered = task("key: '\(keys[0])', key_options: 'from=\"10.0.1.1,10.0.1.2\",no-port-forwarding'")
        XCTAssertEqual(try scratch.run(reordered).task("k").status, .ok)

        let comment = task("key: '\(keys[1])', comment: deploy@ci")
        XCTAssertEqual(try scratch.run(comment).task("k").status, .changed)
        XCTAssertTrue(content().contains("ssh-ed25519 \(blob(1)) deploy@ci\n"), content())
        XCTAssertEqual(try scratch.run(comment).task("k").status, .ok)

        let exclusive = task("key: '\(keys[2])', exclusive: true")
        let only = try scratch.run(exclusive)
        XCTAssertEqual(only.task("k").status, .changed)
        XCTAssertEqual(only.task("k").value("exclusive")?.boolValue, true)
        XCTAssertEqual(content(), keys[2] + "\n")
        XCTAssertEqual(try scratch.run(exclusive).task("k").status, .ok)
    }

    func testFileParsingAsAnsible() throws {
        // CRLF lines, options with quoted commas, a comment line, a line that is not a key, and a
        // blank line: keys are recognised by their blob, everything else is kept in place.
        let text = "# admins\r\ncommand=\"echo a,b\",no-pty \(keys[0])\r\n\ngarbage line\n\(keys[1])\n"
        let file = AuthorizedKeys(parsing: text)
        XCTAssertEqual(file.entries.count, 5)
        let first = try XCTUnwrap(file.entry(blob(0)))
        XCTAssertEqual(first.type, "ssh-ed25519")
        XCTAssertEqual(first.comment, "key0@test")
        XCTAssertEqual(first.options.map(\.name), ["command", "no-pty"])
        XCTAssertEqual(first.options.first?.value, "\"echo a,b\"")
        XCTAssertEqual(
            file.text, "# admins\r\ncommand=\"echo a,b\",no-pty \(keys[0])\n\ngarbage line\n\(keys[1])\n")
        XCTAssertNil(AuthorizedKeys.parse("ssh-ed25519", rank: 0), "a type without a blob is not a key")
    }

    func testPathWithoutManagedDirectoryAndBadInput() throws {
        let path = scratch.path("etc/keys/\(user)")
        let t = task("key: '\(keys[0])', path: \(path), manage_dir: false")
        let first = try scratch.run(t)
        XCTAssertEqual(first.task("k").status, .changed, "\(first.failures)")
        XCTAssertEqual(first.task("k").string("keyfile"), path)
        XCTAssertEqual(first.task("k").string("path"), path)
        XCTAssertEqual(shell("stat -c '%a %U' \(path)").1, "600 \(user)")
        XCTAssertEqual(
            shell("stat -c %U \(scratch.path("etc/keys"))").1, "root", "manage_dir: false chowned the directory")
        XCTAssertEqual(try scratch.run(t).task("k").status, .ok)

        let missing = "nosuchuser\(getpid())"
        let nobody = try scratch.run("- name: k\n  ansible.posix.authorized_key: {user: \(missing), key: '\(keys[0])'}")
        XCTAssertEqual(
            nobody.task("k").result.msg, "Failed to lookup user \(missing): getpwnam(): name not found: '\(missing)'")
        let checkNobody = try scratch.run(
            "- name: k\n  authorized_key: {user: \(missing), key: '\(keys[0])'}", check: true)
        XCTAssertEqual(
            checkNobody.task("k").result.msg,
            "Either user must exist or you must provide full path to key file in check mode")
        let url = try scratch.run(task("key: 'https://github.com/someone.keys'"))
        XCTAssertTrue(url.task("k").result.msg?.contains("from a URL") ?? false, "\(url.failures)")
        let invalid = try scratch.run(task("key: 'not-a-key AAAA'"))
        XCTAssertEqual(invalid.task("k").result.msg, "invalid key specified: not-a-key AAAA")
        XCTAssertFalse(FileManager.default.fileExists(atPath: keyfile))
        XCTAssertTrue(scratch.loadError("- authorized_key: {user: \(user)}").contains("needs the argument \"key\""))
        XCTAssertTrue(
            scratch.loadError("- authorized_key: {user: \(user), key: x, state: gone}").contains("must be one of"))
        XCTAssertTrue(
            scratch.loadError("- authorized_key: {user: \(user), key: x, exclusve: true}").contains("did you mean"))
    }
}
