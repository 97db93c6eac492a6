import OpsCore
import XCTest

final class HostPatternTests: XCTestCase {
    var inv: Inventory!

    override func setUpWithError() throws {
        inv = try load([
            "inv/hosts.yml": """
            all:
              children:
                lb: {hosts: {lb1: }}
                app: {hosts: {app1: , app2: , app3: }}
                db: {hosts: {db1: }}
                backup: {hosts: {backup1: }}
                monitoring: {hosts: {lb1: }}
                staging: {hosts: {app3: , db1: }}
            """
        ])
    }

    func hosts(_ p: String) throws -> [String] { try HostPattern(p).hosts(in: inv) }

    func testBasics() throws {
        XCTAssertEqual(try hosts("all"), ["lb1", "app1", "app2", "app3", "db1", "backup1"])
        XCTAssertEqual(try hosts("*"), try hosts("all"))
        XCTAssertEqual(try hosts("app"), ["app1", "app2", "app3"])
        XCTAssertEqual(try hosts("db1"), ["db1"])
        XCTAssertEqual(try hosts("nothing"), [])
    }

    func testGlobAndRegex() throws {
        XCTAssertEqual(try hosts("app*"), ["app1", "app2", "app3"])
        XCTAssertEqual(try hosts("*1"), ["lb1", "app1", "db1", "backup1"])
        XCTAssertEqual(try hosts("app[12]"), [])  // a subscript (index 12), as in Ansible, not a glob class
        XCTAssertEqual(try hosts("~app[12]"), ["app1", "app2"])
        XCTAssertEqual(try hosts("b?ckup*"), ["backup1"])
    }

    func testSetOperationsApplyUnionThenIntersectionThenExclusion() throws {
        XCTAssertEqual(try hosts("lb:db"), ["lb1", "db1"])
        XCTAssertEqual(try hosts("lb,db"), ["lb1", "db1"])
        XCTAssertEqual(try hosts("app:&staging"), ["app3"])
        XCTAssertEqual(try hosts("app:!staging"), ["app1", "app2"])
        XCTAssertEqual(try hosts("!staging:all"), ["lb1", "app1", "app2", "backup1"])
        XCTAssertEqual(try hosts("app:db:&staging:!db1"), ["app3"])
    }

    func testSubscripts() throws {
        XCTAssertEqual(try hosts("app[0]"), ["app1"])
        XCTAssertEqual(try hosts("app[-1]"), ["app3"])
        XCTAssertEqual(try hosts("app[0:1]"), ["app1", "app2"])
        XCTAssertEqual(try hosts("app[1:]"), ["app2", "app3"])
        XCTAssertEqual(try hosts("app[7]"), [])
    }

    func testBadPatterns() {
        XCTAssertThrowsError(try HostPattern(""))
        XCTAssertThrowsError(try HostPattern("app:!"))
        XCTAssertThrowsError(try HostPattern("app[x]"))
        XCTAssertThrowsError(try hosts("~app[")) { XCTAssertTrue("\($0)".contains("regular expression")) }
    }
}
