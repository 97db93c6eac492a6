import OpsLab
import XCTest

/// `--hosts` and `--subnet` parsing: every bad input is refused with a message naming it.
final class LabTopologyTests: XCTestCase {
    func testDefaultTopologyNumbersHostsAndGroupsThemByName() throws {
        let topology = try LabTopology()
        XCTAssertEqual(topology.hostNames, ["lb1", "app1", "app2", "app3", "db1", "backup1"])
        XCTAssertEqual(topology.hosts.map(\.address), (11...16).map { "10.213.0.\($0)" })
        XCTAssertEqual(topology.hosts[0].groups, ["lb", "monitoring"])
        XCTAssertEqual(topology.hosts[2].groups, ["app"])
        XCTAssertEqual(topology.hosts[4].groups, ["db"])
        XCTAssertEqual(topology.hosts[5].groups, ["backup"])
        XCTAssertEqual(topology.hosts[5].namespace, "opsctl-backup1")
        XCTAssertEqual(topology.hosts[5].hostInterface, "opsv16")
    }

    func testHostListIsParsedInOrder() throws {
        let topology = try LabTopology(hostList: "db1, web7,app4")
        XCTAssertEqual(topology.hostNames, ["db1", "web7", "app4"])
        XCTAssertEqual(topology.hosts[1].groups, [])
        XCTAssertEqual(topology.hosts[2].address, "10.213.0.13")
    }

    func testBadHostListsAreRefusedNamingTheProblem() {
        let cases: [(String, String)] = [
            ("", "empty name at position 1"),
            ("lb1,,app1", "empty name at position 2"),
            ("lb1,app1,lb1", "`lb1` is listed twice"),
            ("App1", "`App1` must start with a lowercase letter"),
            ("1app", "`1app` must start with a lowercase letter"),
            ("app_1", "`app_1` contains `_`"),
            ("app1.lab", "`app1.lab` contains `.`"),
            ("app-", "`app-` must not end with `-`"),
            (String(repeating: "a", count: 33), "longer than 32 characters"),
            ((1...245).map { "h\($0)" }.joined(separator: ","), "245 hosts asked for"),
        ]
        for (input, expected) in cases {
            XCTAssertThrowsError(try LabTopology(hostList: input), "input: \(input.prefix(40))") { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix("invalid --hosts: "), message)
                XCTAssertTrue(message.contains(expected), "`\(message)` should mention `\(expected)`")
            }
        }
    }

    func testSubnetOption() throws {
        XCTAssertEqual(try LabNetwork(subnet: "10.99.7.0/24").prefix, "10.99.7")
        XCTAssertEqual(try LabNetwork(subnet: "10.99.7").bridgeAddress, "10.99.7.1")
        for bad in ["10.99.7.0/16", "10.99.300.0/24", "10.99.7.5/24", "10.99", "a.b.c.0/24", "010.1.2.0/24"] {
            XCTAssertThrowsError(try LabNetwork(subnet: bad), bad) { error in
                XCTAssertTrue("\(error)".contains("invalid --subnet `\(bad)`"), "\(error)")
            }
        }
    }
}
