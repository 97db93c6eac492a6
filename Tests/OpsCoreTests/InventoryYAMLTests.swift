import OpsCore
import XCTest

final class InventoryYAMLTests: XCTestCase {
    let lab = """
        all:
          vars:
            ansible_user: root
            tier: base
          children:
            lb:
              hosts:
                lb1:
                  ansible_host: 10.0.0.10
            app:
              hosts:
                app[1:3]:
              vars:
                tier: app
              children:
                canary:
                  hosts:
                    app1:
                  vars:
                    tier: canary
            db:
              hosts:
                db1:
                  ansible_host: 10.0.0.20
                  tier: primary
            monitoring:
              hosts:
                lb1:
        """

    func testGroupsHostsAndRanges() throws {
        let inv = try load(["inv/hosts.yml": lab])
        XCTAssertEqual(inv.hosts.map(\.name), ["lb1", "app1", "app2", "app3", "db1"])
        XCTAssertEqual(inv.hosts(inGroup: "app"), ["app1", "app2", "app3"])
        XCTAssertEqual(inv.hosts(inGroup: "canary"), ["app1"])
        XCTAssertEqual(inv.groupNames(of: "lb1"), ["lb", "monitoring"])
        XCTAssertEqual(inv.groupNames(of: "app1"), ["app", "canary"])
        XCTAssertEqual(inv.depth(of: "canary"), 2)
    }

    func testChildGroupBeatsParentAndHostBeatsGroups() throws {
        let inv = try load(["inv/hosts.yml": lab])
        XCTAssertEqual(inv.variables(for: "app1").string("tier"), "canary")
        XCTAssertEqual(inv.variables(for: "app2").string("tier"), "app")
        XCTAssertEqual(inv.variables(for: "lb1").string("tier"), "base")
        XCTAssertEqual(inv.variables(for: "db1").string("tier"), "primary")
        XCTAssertEqual(inv.variables(for: "db1").string("ansible_user"), "root")
    }

    func testGroupVarsFilesBeatInventoryFileGroupVars() throws {
        let inv = try load([
            "inv/hosts.yml": lab,
            "inv/group_vars/all.yml": "tier: from_group_vars_all\nextra: 1\n",
            "inv/group_vars/app/main.yml": "tier: from_group_vars_app\n",
            "inv/group_vars/app/more.yml": "more: yes\n",
            "inv/host_vars/app3.yml": "tier: from_host_vars\n",
            "inv/group_vars/nosuchgroup.yml": "ignored: true\n",
        ])
        // Ansible: inventory-file group vars < group_vars/all < group_vars/<group> < host vars.
        XCTAssertEqual(inv.variables(for: "lb1").string("tier"), "from_group_vars_all")
        // canary's inline var is an inventory-file group var: group_vars/app wins over it.
        XCTAssertEqual(inv.variables(for: "app1").string("tier"), "from_group_vars_app")
        XCTAssertEqual(inv.variables(for: "app2").string("more"), "yes")
        XCTAssertEqual(inv.variables(for: "app3").string("tier"), "from_host_vars")
        XCTAssertEqual(inv.variables(for: "db1").string("tier"), "primary")
        XCTAssertNil(inv.variables(for: "db1").value("ignored"))
    }

    func testOriginIsRecorded() throws {
        let inv = try load(["inv/hosts.yml": lab])
        let origin = inv.variables(for: "db1")["tier"]?.origin
        XCTAssertEqual(origin, SourceLocation(file: "inv/hosts.yml", line: 25, column: 11))
    }

    func testHostWithPortAndUngrouped() throws {
        let inv = try load(["inv/hosts.yml": "all:\n  hosts:\n    bastion:2222:\n    solo:\n"])
        XCTAssertEqual(inv.variables(for: "bastion").string("ansible_port"), "2222")
        XCTAssertEqual(inv.hosts(inGroup: "ungrouped"), ["bastion", "solo"])
    }

    func testMalformedYAMLPointsAtLineAndColumn() throws {
        let text = "all:\n  hosts:\n    a: {\n"
        XCTAssertThrowsError(try load(["inv/hosts.yml": text])) { error in
            let e = error as! InputError
            XCTAssertEqual(e.location?.file, "inv/hosts.yml")
            XCTAssertEqual(e.location?.line, 4)
            XCTAssertTrue(e.description.hasPrefix("inv/hosts.yml:4:1: error: invalid YAML"), e.description)
        }
    }

    func testUnknownGroupKeySuggestsFix() throws {
        let text = "all:\n  children:\n    web:\n      hsots:\n        w1:\n"
        XCTAssertThrowsError(try load(["inv/hosts.yml": text])) { error in
            let e = error as! InputError
            XCTAssertEqual(e.location, SourceLocation(file: "inv/hosts.yml", line: 4, column: 7))
            XCTAssertTrue(e.message.contains("did you mean \"hosts\""), e.message)
            XCTAssertTrue(e.description.contains("      hsots:\n      ^"), e.description)
        }
    }

    func testHostsAsListIsRejectedWithAdvice() throws {
        let text = "web:\n  hosts:\n    - w1\n    - w2\n"
        XCTAssertThrowsError(try load(["inv/hosts.yml": text])) { error in
            let e = error as! InputError
            XCTAssertEqual(e.location?.line, 3)
            XCTAssertTrue(e.message.contains("not a list"), e.message)
        }
    }

    func testGroupCycleIsAnError() throws {
        let text = "a:\n  children:\n    b:\n      children:\n        a:\n"
        XCTAssertThrowsError(try load(["inv/hosts.yml": text])) { error in
            XCTAssertTrue("\(error)".contains("own ancestor"), "\(error)")
        }
    }

    func testVarsMustBeAMapping() throws {
        let text = "all:\n  vars:\n    - a\n"
        XCTAssertThrowsError(try load(["inv/hosts.yml": text])) { error in
            let e = error as! InputError
            XCTAssertEqual(e.location?.line, 3)
            XCTAssertTrue(e.message.contains("must be a mapping"), e.message)
        }
    }

    func testBadRangeIsAnError() throws {
        XCTAssertThrowsError(try load(["inv/hosts.yml": "all:\n  hosts:\n    web[5:1]:\n"])) { error in
            XCTAssertTrue("\(error)".contains("start 5 is after end 1"), "\(error)")
            XCTAssertEqual((error as! InputError).location?.line, 3)
        }
    }

    func testMissingInventory() throws {
        XCTAssertThrowsError(try load([:], ["nowhere"])) { error in
            XCTAssertTrue("\(error)".contains("does not exist"))
        }
    }

    func testBadGroupVarsFileNamesItsFile() throws {
        XCTAssertThrowsError(try load(["inv/hosts.yml": lab, "inv/group_vars/app.yml": "a: [1, 2\n"])) { error in
            XCTAssertEqual((error as! InputError).location?.file, "inv/group_vars/app.yml")
        }
    }
}
