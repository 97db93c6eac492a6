import OpsCore
import XCTest

final class InventoryINITests: XCTestCase {
    let ini = """
        # a comment
        bastion ansible_host=192.0.2.1 ansible_port=2222

        [web]
        web[01:02].example.com http_port=8080 name="two words" flag=True
        web03.example.com:2200

        [web:vars]
        http_port=80
        proxy=proxy.example.com

        [db]
        db1

        [prod:children]
        web
        db
        """

    func testParsesHostsGroupsAndVars() throws {
        let inv = try load(["inv/hosts": ini])
        XCTAssertEqual(
            inv.hosts.map(\.name), ["bastion", "web01.example.com", "web02.example.com", "web03.example.com", "db1"])
        XCTAssertEqual(inv.hosts(inGroup: "prod"), ["web01.example.com", "web02.example.com", "web03.example.com", "db1"])
        XCTAssertEqual(inv.hosts(inGroup: "ungrouped"), ["bastion"])
        let web01 = inv.variables(for: "web01.example.com")
        XCTAssertEqual(web01.string("http_port"), "8080")
        XCTAssertEqual(web01.string("name"), "two words")
        XCTAssertEqual(web01.string("flag"), "true")
        XCTAssertEqual(inv.variables(for: "web03.example.com").string("http_port"), "80")
        XCTAssertEqual(inv.variables(for: "web03.example.com").string("ansible_port"), "2200")
        XCTAssertEqual(inv.variables(for: "bastion").string("ansible_port"), "2222")
    }

    func testUnknownSectionType() throws {
        XCTAssertThrowsError(try load(["inv/hosts": "[web:childs]\nx\n"])) { error in
            let e = error as! InputError
            XCTAssertEqual(e.location?.line, 1)
            XCTAssertTrue(e.message.contains("did you mean \"children\""), e.message)
        }
    }

    func testBadHostLine() throws {
        XCTAssertThrowsError(try load(["inv/hosts": "[web]\nw1 oops\n"])) { error in
            let e = error as! InputError
            XCTAssertEqual(e.location?.line, 2)
            XCTAssertTrue(e.message.contains("key=value"), e.message)
        }
        XCTAssertThrowsError(try load(["inv/hosts": "[web]\nw1 a=\"unterminated\n"])) { error in
            XCTAssertTrue("\(error)".contains("unterminated quote"), "\(error)")
        }
        XCTAssertThrowsError(try load(["inv/hosts": "[web\nw1\n"])) { error in
            XCTAssertTrue("\(error)".contains("closing \"]\""), "\(error)")
        }
    }

    func testDirectoryMixesFormats() throws {
        let inv = try load([
            "inv/a.ini": "[web]\nw1\n",
            "inv/b.yml": "db:\n  hosts:\n    d1:\n",
            "inv/id_ed25519": "not an inventory",
            "inv/known_hosts": "not an inventory",
            "inv/group_vars/web": "role: web\n",
        ])
        XCTAssertEqual(inv.hosts.map(\.name), ["w1", "d1"])
        XCTAssertEqual(inv.variables(for: "w1").string("role"), "web")
    }
}
