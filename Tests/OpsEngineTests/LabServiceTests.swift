import Foundation
import Jinja
import Logging
import OpsCore
@testable import OpsEngine
import OpsTransport
import XCTest

/// apt, systemd and service for real, on the lab's hosts (systemd as PID 1, a local apt repository
/// with nginx). Set OPSCTL_LAB_INVENTORY to the inventory directory `opsctl lab up` wrote.
final class LabServiceTests: XCTestCase {
    func labInventory() throws -> String {
        if let dir = ProcessInfo.processInfo.environment["OPSCTL_LAB_INVENTORY"], !dir.isEmpty { return dir }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail("OPSCTL_LAB_INVENTORY is not set: CI must run `opsctl lab up` and export its inventory directory")
        }
        throw XCTSkip("set OPSCTL_LAB_INVENTORY to the lab's inventory directory to run this test")
    }

    func play(_ s: Scratch, _ inventory: String, _ text: String, check: Bool = false) throws -> PlayRun {
        try s.write("lab.yml", text)
        let session = try PlaybookSession(
            playbookPath: s.path("lab.yml"), inventoryPaths: [inventory], reader: DiskSourceReader())
        var options = RunOptions()
        options.checkMode = check
        let events = ModuleTestEvents()
        let code = try session.run(
            options: options, overrides: ConnectionOverrides(), events: events, logger: Logger(label: "opsctl.tests"))
        return PlayRun(code: code, outcomes: events.outcomes)
    }

    func testLabNginxInstallStartEnableThenUnchanged() throws {
        let inventory = try labInventory()
        let s = try Scratch()
        let reset = try play(s, inventory, """
            - hosts: all
              gather_facts: false
              become: true
              tasks:
                - name: purge nginx
                  apt: {name: [nginx, nginx-common], state: absent, purge: yes, autoremove: yes}
            """)
        XCTAssertEqual(reset.code, 0, "\(reset.failures)")
        let site = """
            - hosts: all
              gather_facts: false
              become: true
              tasks:
                - name: nginx installed
                  apt: {name: nginx, update_cache: yes, cache_valid_time: 3600}
                - name: nginx running and enabled
                  systemd: {name: nginx, state: started, enabled: yes, daemon_reload: yes}
                  register: unit
                - name: service agrees
                  service: {name: nginx, state: started, enabled: yes}
            """
        let first = try play(s, inventory, site)
        XCTAssertEqual(first.code, 0, "\(first.failures)")
        let installs = first.outcomes.filter { $0.task == "nginx installed" }
        XCTAssertFalse(installs.isEmpty)
        XCTAssertTrue(installs.allSatisfy { $0.status == .changed })
        XCTAssertTrue(installs.allSatisfy { ($0.string("stdout") ?? "").contains("nginx") })
        for o in first.outcomes where o.task == "nginx running and enabled" {
            XCTAssertNotNil(o.value("status")?["ActiveState"], "status carries systemctl show's properties")
            XCTAssertEqual(o.string("state"), "started")
        }

        let second = try play(s, inventory, site)
        XCTAssertEqual(second.code, 0, "\(second.failures)")
        XCTAssertTrue(
            second.outcomes.allSatisfy { $0.status == .ok }, "\(second.outcomes.map { ($0.task, $0.status) })")
        for o in second.outcomes where o.task == "nginx running and enabled" {
            XCTAssertEqual(o.value("status")?["ActiveState"]?.stringValue, "active")
            XCTAssertEqual(o.value("status")?["UnitFileState"]?.stringValue, "enabled")
        }

        // --check: stopping is reported, nothing stops.
        let check = try play(s, inventory, """
            - hosts: all
              gather_facts: false
              become: true
              tasks:
                - name: stop
                  systemd: {name: nginx, state: stopped, enabled: no}
            """, check: true)
        XCTAssertTrue(check.outcomes.allSatisfy { $0.status == .changed }, "\(check.failures)")
        let after = try play(s, inventory, """
            - hosts: all
              gather_facts: false
              tasks:
                - name: active
                  command: systemctl is-active nginx
            """)
        XCTAssertTrue(after.outcomes.allSatisfy { $0.string("stdout") == "active" }, "\(after.failures)")
    }
}
