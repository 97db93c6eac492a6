import Jinja
import OpsCore
import OpsEngine
import XCTest

/// `-e` as ansible-playbook reads it: key=value words (strings), an inline mapping, or @file.
final class ExtraVarsTests: XCTestCase {
    func parse(_ args: String...) throws -> ValueDict { try ExtraVars.parse(args, reader: DiskSourceReader()) }

    func testKeyValuePairsAreStrings() throws {
        XCTAssertEqual(try parse("port=8080 name='my app' empty="), ["port": "8080", "name": "my app", "empty": ""])
        XCTAssertEqual(try parse("msg=a\\nb")["msg"], "a\nb", "escapes decoded as Ansible's parse_kv does")
    }

    func testInlineMappingKeepsTypesAndLaterArgumentsWin() throws {
        XCTAssertEqual(
            try parse(#"{"port": 8080, "tls": true, "hosts": ["a"]}"#, "port=9"),
            ["port": "9", "tls": true, "hosts": ["a"]])
    }

    func testFileArgument() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ev-\(UUID().uuidString).yml")
        try "level: file\nlist: [1, 2]\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try parse("@" + file.path), ["level": "file", "list": [1, 2]])
        XCTAssertThrowsError(try parse("@/nonexistent/vars.yml")) { XCTAssertTrue("\($0)".contains("/nonexistent/vars.yml")) }
    }

    func testBadArgumentsAreRejectedWithTheFix() throws {
        XCTAssertThrowsError(try parse("justaword")) { e in
            XCTAssertTrue("\(e)".contains("expected key=value, @file.yml or a {mapping}"), "\(e)")
        }
        XCTAssertThrowsError(try parse("a='unterminated"))
        XCTAssertThrowsError(try parse("[1, 2]"))
        XCTAssertThrowsError(try parse("{\"a\": ")) { XCTAssertTrue("\($0)".contains("invalid YAML"), "\($0)") }
    }
}
