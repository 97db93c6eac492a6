import Foundation
import Jinja
import XCTest

/// systemd is not PID 1 on this machine: what systemctl does offline (enable/disable/mask, which
/// only edit symlinks) is tested here, and init scripts through `service`; starting units runs
/// on the lab (LabServiceTests).
final class ServiceTests: XCTestCase {
    let unit = "opsctl-test\(getpid() % 100000)"

    override func tearDown() {
        sh("""
            systemctl disable \(unit).service; systemctl unmask \(unit).service
            rm -f /etc/systemd/system/\(unit).service
            update-rc.d -f \(unit) remove; rm -f /etc/init.d/\(unit) /tmp/\(unit).running
            """)
    }

    @discardableResult
    func sh(_ command: String) -> (Int32, String) {
        runShell(command, trimmed: true)
    }

    func testSystemdEnableDisableMaskOffline() throws {
        let s = try Scratch()
        try "[Unit]\nDescription=t\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n"
            .write(toFile: "/etc/systemd/system/\(unit).service", atomically: true, encoding: .utf8)
        let enable = "- name: enable\n  systemd: {name: \(unit).service, enabled: yes}"
        let check = try s.run(enable, check: true)
        XCTAssertEqual(check.task("enable").status, .changed, "\(check.failures)")
        XCTAssertEqual(sh("systemctl is-enabled \(unit).service").1, "disabled")
        let first = try s.run(enable)
        XCTAssertEqual(first.task("enable").status, .changed, "\(first.failures)")
        XCTAssertEqual(first.task("enable").value("enabled"), .bool(true))
        XCTAssertEqual(first.task("enable").string("name"), "\(unit).service")
        XCTAssertEqual(sh("systemctl is-enabled \(unit).service").1, "enabled")
        XCTAssertEqual(try s.run(enable).task("enable").status, .ok)
        let disable = "- name: disable\n  ansible.builtin.systemd_service: {unit: \(unit).service, enabled: false}"
        XCTAssertEqual(try s.run(disable).task("disable").status, .changed)
        XCTAssertEqual(sh("systemctl is-enabled \(unit).service").1, "disabled")
        XCTAssertEqual(try s.run(disable).task("disable").status, .ok)
    }

    func testSystemdMissingUnitAndStartWithoutSystemd() throws {
        let s = try Scratch()
        let run = try s.run("""
            - name: missing
              systemd: {name: opsctl-no-such-unit.service, state: started}
              ignore_errors: true
            """)
        XCTAssertEqual(run.task("missing").status, .failed)
        XCTAssertEqual(run.task("missing").result.msg,
            "Could not find the requested service opsctl-no-such-unit.service: host")
        let glob = try s.run("- name: glob\n  systemd: {name: 'nginx*', state: started}")
        XCTAssertEqual(glob.task("glob").result.msg,
            "This module does not currently support using glob patterns, found '*' in service name: nginx*")
    }

    func testServiceDrivesAnInitScriptWithoutSystemd() throws {
        let s = try Scratch()
        let script = """
            #!/bin/sh
            ### BEGIN INIT INFO
            # Provides:          \(unit)
            # Required-Start:
            # Required-Stop:
            # Default-Start:     2 3 4 5
            # Default-Stop:      0 1 6
            # Short-Description: opsctl test service
            ### END INIT INFO
            f=/tmp/\(unit).running
            case "$1" in
              start) touch $f;; stop) rm -f $f;; status) [ -e $f ];; reload|restart) [ -e $f ];;
              *) exit 3;;
            esac

            """
        try script.write(toFile: "/etc/init.d/\(unit)", atomically: true, encoding: .utf8)
        sh("chmod 0755 /etc/init.d/\(unit)")
        guard !FileManager.default.fileExists(atPath: "/run/systemd/system") else {
            XCTFail("this test needs a host where systemd is not running (it drives the SysV path)")
            return
        }
        let start = "- name: svc\n  service: {name: \(unit), state: started, enabled: yes}"
        let check = try s.run(start, check: true)
        XCTAssertEqual(check.task("svc").status, .changed, "\(check.failures)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/\(unit).running"))
        let first = try s.run(start)
        XCTAssertEqual(first.task("svc").status, .changed, "\(first.failures)")
        XCTAssertEqual(first.task("svc").string("state"), "started")
        XCTAssertEqual(first.task("svc").value("enabled"), .bool(true))
        XCTAssertTrue(FileManager.default.fileExists(atPath: "/tmp/\(unit).running"))
        XCTAssertEqual(sh("ls /etc/rc2.d/ | grep -c '^S..\(unit)$'").1, "1")
        XCTAssertEqual(try s.run(start).task("svc").status, .ok)
        let stop = "- name: svc\n  service: {name: \(unit), state: stopped}"
        XCTAssertEqual(try s.run(stop).task("svc").status, .changed)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/\(unit).running"))
        XCTAssertEqual(try s.run(stop).task("svc").status, .ok)
        let missing = try s.run("- name: svc\n  service: {name: opsctl-no-such-service, state: started}")
        XCTAssertEqual(missing.task("svc").status, .failed)
        XCTAssertTrue(missing.task("svc").result.msg?.contains("cannot find 'service' binary or init script") ?? false)
    }

    func testBadInput() throws {
        let s = try Scratch()
        XCTAssertTrue(s.loadError("- systemd: {name: nginx}").contains("needs one of: state, enabled"))
        XCTAssertTrue(s.loadError("- systemd: {state: started}").contains("state=started needs name"))
        XCTAssertTrue(s.loadError("- systemd: {name: nginx, state: running}")
            .contains("must be one of reloaded, restarted, started, stopped"))
        XCTAssertTrue(s.loadError("- service: {state: started}").contains("needs the argument \"name\""))
        XCTAssertTrue(s.loadError("- service: {name: nginx, state: start}").contains("must be one of"))
        XCTAssertTrue(s.loadError("- service: {name: nginx, daemon_reload: yes}").contains("has no argument"))
    }
}
