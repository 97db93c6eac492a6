import Foundation
import Jinja
import XCTest

/// Real accounts on this machine, with names no one else uses, removed afterwards.
final class UserGroupTests: XCTestCase {
    let user = "opsu\(getpid() % 100000)"
    let group = "opsg\(getpid() % 100000)"
    let extra = "opsx\(getpid() % 100000)"

    override func tearDown() {
        for cmd in ["userdel -r \(user)", "groupdel \(group)", "groupdel \(extra)"] { _ = shell(cmd) }
    }

    @discardableResult
    func shell(_ command: String) -> (Int32, String) {
        runShell(command, trimmed: true)
    }

    func testGroupCreateModifyRemove() throws {
        let s = try Scratch()
        let tasks = """
            - name: g
              group: {name: \(group), gid: 48231}
            """
        let check = try s.run(tasks, check: true)
        XCTAssertEqual(check.task("g").status, .changed)
        XCTAssertNotEqual(shell("getent group \(group)").0, 0)
        let first = try s.run(tasks)
        XCTAssertEqual(first.task("g").status, .changed, "\(first.failures)")
        XCTAssertEqual(first.task("g").value("gid")?.intValue, 48231)
        XCTAssertEqual(first.task("g").string("state"), "present")
        XCTAssertEqual(shell("getent group \(group) | cut -d: -f3").1, "48231")
        XCTAssertEqual(try s.run(tasks).task("g").status, .ok)
        let moved = try s.run("- name: g\n  group: {name: \(group), gid: 48232}")
        XCTAssertEqual(moved.task("g").status, .changed)
        XCTAssertEqual(shell("getent group \(group) | cut -d: -f3").1, "48232")
        let absent = "- name: g\n  group: {name: \(group), state: absent}"
        XCTAssertEqual(try s.run(absent).task("g").status, .changed)
        XCTAssertNotEqual(shell("getent group \(group)").0, 0)
        XCTAssertEqual(try s.run(absent).task("g").status, .ok)
        XCTAssertTrue(s.loadError("- group: {gid: 5}").contains("needs the argument \"name\""))
        XCTAssertTrue(s.loadError("- group: {name: x, state: gone}").contains("must be one of"))
    }

    func testUserCreateModifyGroupsAndRemove() throws {
        let s = try Scratch()
        let home = s.path("home/\(user)")
        let tasks = """
            - name: groups
              group: {name: "{{ item }}"}
              loop: [\(group), \(extra)]
            - name: user
              user:
                name: \(user)
                uid: 48555
                group: \(group)
                groups: [\(extra)]
                shell: /bin/sh
                home: \(home)
                comment: Ops Test
                password: "$6$salt$abcdefghijklmnopqrstuv"
              register: u
            """
        // Groups first: in check mode a missing group fails the user task, as in Ansible.
        _ = try s.run(tasks.components(separatedBy: "- name: user")[0])
        let check = try s.run(tasks, check: true)
        XCTAssertEqual(check.task("user").status, .changed, "\(check.failures)")
        XCTAssertNotEqual(shell("getent passwd \(user)").0, 0)
        let first = try s.run(tasks)
        XCTAssertEqual(first.code, 0, "\(first.failures)")
        let u = first.task("user")
        XCTAssertEqual(u.status, .changed)
        XCTAssertEqual(u.value("uid")?.intValue, 48555)
        XCTAssertEqual(u.value("group")?.intValue, Int(shell("getent group \(group) | cut -d: -f3").1))
        XCTAssertEqual(u.string("home"), home)
        XCTAssertEqual(u.string("shell"), "/bin/sh")
        XCTAssertEqual(u.string("comment"), "Ops Test")
        XCTAssertEqual(u.string("groups"), extra)
        XCTAssertEqual(u.string("password"), "NOT_LOGGING_PASSWORD")
        XCTAssertEqual(u.value("create_home")?.boolValue, true)
        XCTAssertTrue(FileManager.default.fileExists(atPath: home))
        XCTAssertEqual(shell("id -Gn \(user)").1, "\(group) \(extra)")
        XCTAssertEqual(shell("getent shadow \(user) | cut -d: -f2").1, "$6$salt$abcdefghijklmnopqrstuv")

        let second = try s.run(tasks)
        XCTAssertEqual(second.task("user").status, .ok, "\(second.failures)")

        // groups without append replaces the list; the shell changes alone.
        let modify = try s.run("""
            - name: user
              user: {name: \(user), shell: /bin/bash, groups: []}
            """)
        XCTAssertEqual(modify.task("user").status, .changed, "\(modify.failures)")
        XCTAssertEqual(shell("getent passwd \(user) | cut -d: -f7").1, "/bin/bash")
        XCTAssertEqual(shell("id -Gn \(user)").1, group)
        let append = """
            - name: user
              user: {name: \(user), groups: \(extra), append: yes}
            """
        XCTAssertEqual(try s.run(append).task("user").status, .changed)
        XCTAssertEqual(try s.run(append).task("user").status, .ok)

        let key = "- name: key\n  user: {name: \(user), generate_ssh_key: yes, ssh_key_type: ed25519}"
        let keyed = try s.run(key)
        XCTAssertEqual(keyed.task("key").status, .changed, "\(keyed.failures)")
        XCTAssertEqual(keyed.task("key").string("ssh_key_file"), home + "/.ssh/id_ed25519")
        XCTAssertTrue(keyed.task("key").string("ssh_public_key")?.hasPrefix("ssh-ed25519 ") ?? false)
        XCTAssertTrue(keyed.task("key").string("ssh_fingerprint")?.contains("SHA256:") ?? false)
        XCTAssertEqual(shell("stat -c %U \(home)/.ssh/id_ed25519").1, user)
        XCTAssertEqual(try s.run(key).task("key").status, .ok)

        let remove = "- name: user\n  user: {name: \(user), state: absent, remove: yes}"
        let removed = try s.run(remove)
        XCTAssertEqual(removed.task("user").status, .changed, "\(removed.failures)")
        XCTAssertEqual(removed.task("user").value("remove")?.boolValue, true)
        XCTAssertNotEqual(shell("getent passwd \(user)").0, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: home))
        XCTAssertEqual(try s.run(remove).task("user").status, .ok)
    }

    func testUserErrors() throws {
        let s = try Scratch()
        let run = try s.run("""
            - name: user
              user: {name: \(user), group: no_such_group_opsctl}
            """)
        XCTAssertEqual(run.task("user").status, .failed)
        XCTAssertEqual(run.task("user").result.msg, "Group no_such_group_opsctl does not exist")
        XCTAssertNotEqual(shell("getent passwd \(user)").0, 0)
        XCTAssertTrue(s.loadError("- user: {uid: 5}").contains("needs the argument \"name\""))
        XCTAssertTrue(s.loadError("- user: {name: x, update_password: sometimes}").contains("must be one of"))
        XCTAssertTrue(s.loadError("- user: {name: x, shel: /bin/sh}").contains("did you mean \"shell\""))
    }
}
