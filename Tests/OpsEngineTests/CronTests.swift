import Foundation
import Jinja
import XCTest

final class CronTests: XCTestCase {
    let user = "opsc\(getpid() % 100000)"

    override func tearDown() { _ = run("crontab -r -u \(user); userdel -r \(user)") }

    @discardableResult
    func run(_ command: String) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try? p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func testCronFileJobsWithAnsibleMarkers() throws {
        let s = try Scratch()
        let file = s.path("cron.d/backup")
        try FileManager.default.createDirectory(atPath: s.path("cron.d"), withIntermediateDirectories: true)
        let tasks = """
            - name: nightly
              cron: {name: nightly backup, minute: "0", hour: "3", job: /usr/local/bin/backup, user: root,
                     cron_file: \(file)}
            - name: reboot
              cron: {name: at boot, special_time: reboot, job: /bin/true, user: root, cron_file: \(file)}
            - name: env
              cron: {name: MAILTO, env: yes, job: ops@example.com, user: root, cron_file: \(file)}
            """
        let check = try s.run(tasks, check: true, diff: true)
        XCTAssertEqual(check.outcomes.map(\.status), [.changed, .changed, .changed], "\(check.failures)")
        XCTAssertFalse(s.exists("cron.d/backup"))
        XCTAssertEqual(check.task("nightly").result.diffs.first?.after,
            "#Ansible: nightly backup\n0 3 * * * root /usr/local/bin/backup\n")
        let first = try s.run(tasks)
        XCTAssertEqual(first.code, 0, "\(first.failures)")
        XCTAssertEqual(s.read("cron.d/backup"), """
            MAILTO="ops@example.com"
            #Ansible: nightly backup
            0 3 * * * root /usr/local/bin/backup
            #Ansible: at boot
            @reboot root /bin/true

            """)
        XCTAssertEqual(first.task("reboot").value("jobs"), .list(["nightly backup", "at boot"]))
        XCTAssertEqual(first.task("env").value("envs"), .list(["MAILTO"]))
        let second = try s.run(tasks)
        XCTAssertEqual(second.outcomes.map(\.status), [.ok, .ok, .ok])

        let changed = try s.run("""
            - name: nightly
              cron: {name: nightly backup, minute: "30", hour: "3", job: /usr/local/bin/backup, user: root,
                     cron_file: \(file), disabled: yes}
            """)
        XCTAssertEqual(changed.task("nightly").status, .changed)
        let disabled = "#Ansible: nightly backup\n#30 3 * * * root /usr/local/bin/backup\n"
        XCTAssertTrue(s.read("cron.d/backup")?.contains(disabled) ?? false)

        let removeAll = """
            - name: r1
              cron: {name: nightly backup, state: absent, cron_file: \(file)}
            - name: r2
              cron: {name: at boot, state: absent, cron_file: \(file)}
            - name: r3
              cron: {name: MAILTO, env: yes, state: absent, cron_file: \(file)}
            """
        let removed = try s.run(removeAll)
        XCTAssertEqual(removed.outcomes.map(\.status), [.changed, .changed, .changed], "\(removed.failures)")
        XCTAssertFalse(s.exists("cron.d/backup"), "an emptied cron_file is removed, as in Ansible")
        XCTAssertEqual(try s.run(removeAll).outcomes.map(\.status), [.ok, .ok, .ok])
    }

    func testUserCrontabKeepsOtherLines() throws {
        let s = try Scratch()
        run("useradd -M \(user)")
        run("printf '# mine\\n* * * * * /bin/echo hi\\n' | crontab -u \(user) -")
        let tasks = """
            - name: job
              cron: {name: ping, minute: "*/5", job: "ping -c1 localhost >/dev/null", user: \(user)}
            """
        let first = try s.run(tasks)
        XCTAssertEqual(first.task("job").status, .changed, "\(first.failures)")
        XCTAssertEqual(run("crontab -l -u \(user)"),
            "# mine\n* * * * * /bin/echo hi\n#Ansible: ping\n*/5 * * * * ping -c1 localhost >/dev/null\n")
        XCTAssertEqual(try s.run(tasks).task("job").status, .ok)
    }

    func testBadInput() throws {
        let s = try Scratch()
        XCTAssertTrue(s.loadError("- cron: {name: x}").contains("state=present needs job"))
        XCTAssertTrue(s.loadError("- cron: {name: x, job: y, special_time: sometimes}").contains("must be one of"))
        XCTAssertTrue(s.loadError("- cron: {job: y}").contains("needs the argument \"name\""))
        XCTAssertTrue(s.loadError("- cron: {name: x, job: y, minut: 5}").contains("did you mean \"minute\""))
        let run = try s.run("- name: c\n  cron: {name: x, job: y, cron_file: \(s.dir)/c}")
        XCTAssertEqual(run.task("c").status, .failed)
        XCTAssertTrue(run.task("c").result.msg?.contains("must specify user") ?? false)
    }
}
