import OpsCore
import XCTest
import Jinja

final class SupportTests: XCTestCase {
    func testHostRanges() throws {
        XCTAssertEqual(try HostRange.expand("web[01:03]"), ["web01", "web02", "web03"])
        XCTAssertEqual(try HostRange.expand("db-[a:c]-x"), ["db-a-x", "db-b-x", "db-c-x"])
        XCTAssertEqual(try HostRange.expand("n[0:6:3]"), ["n0", "n3", "n6"])
        XCTAssertEqual(try HostRange.expand("r[1:2]c[1:2]"), ["r1c1", "r1c2", "r2c1", "r2c2"])
        XCTAssertThrowsError(try HostRange.expand("w[1]"))
        XCTAssertThrowsError(try HostRange.expand("w[1:2:0]"))
    }

    func testShellWords() throws {
        XCTAssertEqual(try ShellWords.split(#"a b="c d" 'e f' g\ h "i\"j""#), ["a", "b=c d", "e f", "g h", "i\"j"])
        XCTAssertThrowsError(try ShellWords.split("a 'b"))
        XCTAssertEqual(ShellWords.quote("simple/path-1.txt"), "simple/path-1.txt")
        XCTAssertEqual(ShellWords.quote("it's"), #"'it'\''s'"#)
        XCTAssertEqual(ShellWords.quote(""), "''")
        XCTAssertEqual(ShellWords.quote("a b"), "'a b'")
    }

    func testSuggestions() {
        XCTAssertEqual(Suggestion.closest(to: "hsots", in: ["hosts", "vars", "children"]), "hosts")
        XCTAssertEqual(Suggestion.closest(to: "chidlren", in: ["hosts", "vars", "children"]), "children")
        XCTAssertNil(Suggestion.closest(to: "zzzzzz", in: ["hosts", "vars"]))
    }

    func testGlob() {
        XCTAssertTrue(Glob.matches("a*[0-9]", "app7"))
        XCTAssertFalse(Glob.matches("a*[!0-9]", "app7"))
        XCTAssertTrue(Glob.matches("?b", "ab"))
        XCTAssertFalse(Glob.matches("?b", "abb"))
    }
}
