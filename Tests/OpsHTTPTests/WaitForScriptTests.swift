import Foundation
import XCTest

@testable import OpsEngine

/// The wait_for host script and its inputs, without a host.
final class WaitForScriptTests: XCTestCase {
    func testProcAddressesAreLittleEndianHex() {
        XCTAssertEqual(
            WaitForModule.procAddresses("127.0.0.1"), ["0100007F", "0000000000000000FFFF00000100007F"])
        XCTAssertEqual(WaitForModule.procAddresses("10.1.2.3")[0], "0302010A")
        XCTAssertEqual(WaitForModule.procAddresses("::1"), ["00000000000000000000000001000000"])
        XCTAssertEqual(WaitForModule.procAddresses("localhost").count, 3)
        XCTAssertEqual(WaitForModule.procAddresses("0.0.0.0"), [], "match-all counts every address")
        XCTAssertEqual(WaitForModule.procAddresses("db.example"), [])
        XCTAssertEqual(WaitForModule.procAddresses("1.2.3"), [])
    }

    /// Every shape of the script parses under /bin/sh (dash on Debian), with hostile values quoted.
    func testScriptsParseUnderPOSIXShell() throws {
        let hostile = "it's $(touch /tmp/pwned) `x` \"q\""
        let targets: [WaitForModule.Wait.Target] = [.port(8080), .path(hostile), .sleep, .drained(8080)]
        for target in targets {
            for state in ["started", "stopped", "absent", "drained"] {
                let wait = WaitForModule.Wait(
                    target: target, state: state, host: hostile, searchRegex: hostile, delay: 0, timeout: 1,
                    connectTimeout: 1, sleep: 1)
                let script = WaitForModule.script(wait)
                let dir = try makeTempDir()
                defer { try? FileManager.default.removeItem(atPath: dir) }
                try script.write(toFile: dir + "/wait.sh", atomically: true, encoding: .utf8)
                XCTAssertNoThrow(try TestServer.run(["sh", "-n", dir + "/wait.sh"]), "\(target) \(state)")
                // The assignments, evaluated by a real shell, give back the values unchanged.
                let assignments = script.components(separatedBy: "# Centiseconds")[0]
                let echoed = try TestServer.run(["sh", "-c", assignments + "printf '%s|%s' \"$host\" \"$re\""])
                XCTAssertEqual(echoed, hostile + "|" + hostile)
            }
        }
    }

    func testMatchGroupsUsePythonSyntax() {
        let (groups, named) = WaitForModule.matchGroups(
            #"v(?P<major>\d+)\.(\d+)(-rc)?"#, in: "version v12.4 ready")
        XCTAssertEqual(groups, [.string("12"), .string("4"), .none])
        XCTAssertEqual(named, ["major": .string("12")])
        XCTAssertThrowsError(try WaitForModule.pythonRegex("(unclosed"))
    }

    func testOutputWithAMatchedLine() {
        let (kv, line) = WaitForModule.parseOutput("ok=1\n__match__\nkey=value with = sign\n")
        XCTAssertEqual(kv["ok"], "1")
        XCTAssertNil(kv["key"], "the matched line is not a key=value line")
        XCTAssertEqual(line, "key=value with = sign")
    }
}
