import Foundation
import OpsEngine
import XCTest

/// Ansible's implicit localhost (a preflight play on the control node) and `role : task` names.
final class ImplicitLocalhostTests: XCTestCase {
    var fleet: LocalFleet!

    override func setUpWithError() throws { fleet = try LocalFleet() }
    override func tearDown() { fleet.remove() }

    func testLocalhostPlayRunsWithGroupAllVariablesWhenNotInInventory() throws {
        let pb = """
            - hosts: localhost
              gather_facts: false
              tasks:
                - copy: dest={{ work }}/preflight content={{ inventory_hostname }}-{{ groups['all'] | length }}
            - hosts: all
              gather_facts: false
              tasks:
                - copy: dest={{ work }}/{{ inventory_hostname }} content=x
            """
        let (code, events) = try fleet.play(pb)
        XCTAssertEqual(code, 0)
        XCTAssertEqual(fleet.read("preflight"), "localhost-3", "group all's `work` variable, not a host of all")
        XCTAssertEqual(Set(events.recapStats.keys), ["localhost", "h1", "h2", "h3"])
    }

    func testFailedPreflightStopsBeforeOtherHosts() throws {
        let pb = """
            - hosts: localhost
              gather_facts: false
              tasks:
                - assert:
                    that: secret is defined
                    fail_msg: secret is not set
            - hosts: all
              gather_facts: false
              tasks:
                - copy: dest={{ work }}/{{ inventory_hostname }} content=x
            """
        let (code, events) = try fleet.play(pb)
        XCTAssertEqual(code, 2)
        XCTAssertNil(fleet.read("h1"), "no host touched after the preflight failed")
        XCTAssertEqual(events.outcomes.first?.result.msg, "secret is not set")
    }

    func testLimitMustNameLocalhost() throws {
        let pb = """
            - hosts: localhost
              gather_facts: false
              tasks:
                - copy: dest={{ work }}/preflight content=x
            """
        let (code, events) = try fleet.play(pb) { $0.limit = "h1" }
        XCTAssertEqual(code, 0)
        XCTAssertNil(fleet.read("preflight"))
        XCTAssertTrue(events.warnings.contains { $0.contains("no hosts matched") }, "\(events.warnings)")
    }

    func testRoleTasksAndHandlersAreShownAsRoleColonName() throws {
        try fleet.write("roles/web/tasks/main.yml", """
            - name: site
              copy: dest={{ work }}/{{ inventory_hostname }}.site content=v1
              notify: reload web
            - copy: dest={{ work }}/{{ inventory_hostname }}.other content=v1
            """)
        try fleet.write("roles/web/handlers/main.yml", """
            - name: reload web
              shell: echo reloaded >> {{ work }}/{{ inventory_hostname }}.log
            """)
        let pb = """
            - hosts: h1
              gather_facts: false
              roles: [web]
              vars:
                what: banner
              tasks:
                - debug: msg=play
                - name: "{{ what }} for {{ inventory_hostname }}, {{ later_result }}"
                  debug: msg=x
                - name: "{{ what }} for {{ inventory_hostname }}"
                  debug: msg=x
            """
        let (code, events) = try fleet.play(pb)
        XCTAssertEqual(code, 0)
        // Names are templated where they can be (Ansible leaves what it cannot resolve as written).
        XCTAssertEqual(
            events.tasks,
            ["web : site", "web : copy", "debug", "{{ what }} for {{ inventory_hostname }}, {{ later_result }}",
             "banner for h1", "HANDLER web : reload web"])
        XCTAssertEqual(fleet.read("h1.log"), "reloaded\n", "notify still matches the handler's own name")
    }
}
