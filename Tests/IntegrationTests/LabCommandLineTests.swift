import Foundation
import XCTest

/// `opsctl lab` as a user meets it: the built binary, its exit codes and messages. Bad input is
/// refused before the machine is touched.
final class LabCommandLineTests: XCTestCase {
    /// The `opsctl` built next to this test bundle.
    func opsctl(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [directory, directory.deletingLastPathComponent()].map {
            $0.appendingPathComponent("opsctl").path
        }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
        let reason = "no built opsctl next to the tests (\(candidates[0])); run `swift build` first"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail(reason, file: file, line: line)
            throw LabFixtureError.missing(reason)
        }
        throw XCTSkip(reason)
    }

    func testHelpListsTheVerbs() throws {
        let run = try Run.program(try opsctl(), ["lab", "--help"])
        XCTAssertEqual(run.status, 0, run.stderr)
        for verb in ["up", "down", "status"] {
            XCTAssertTrue(run.stdout.contains("  \(verb) "), "lab --help lists \(verb):\n\(run.stdout)")
        }
        for verb in ["up", "down", "status"] {
            XCTAssertEqual(try Run.program(try opsctl(), ["lab", verb, "--help"]).status, 0, verb)
        }
    }

    func testBadHostListIsAUsageErrorAndChangesNothing() throws {
        let before = try Run.program("/usr/sbin/ip", ["netns", "list"]).stdout
        let run = try Run.program(
            try opsctl(), ["lab", "up", "--hosts", "lb1,Web_1", "--state-dir", NSTemporaryDirectory() + "/no-lab"])
        XCTAssertEqual(run.status, 64, run.stderr)
        XCTAssertTrue(run.stderr.contains("invalid --hosts: `Web_1` must start with a lowercase letter"), run.stderr)
        XCTAssertTrue(run.stderr.contains("Usage: opsctl lab up"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: NSTemporaryDirectory() + "/no-lab"))
        XCTAssertEqual(try Run.program("/usr/sbin/ip", ["netns", "list"]).stdout, before)
    }

    func testBadSubnetIsAUsageError() throws {
        let run = try Run.program(try opsctl(), ["lab", "up", "--subnet", "10.213.0.0/16"])
        XCTAssertEqual(run.status, 64, run.stderr)
        XCTAssertTrue(run.stderr.contains("invalid --subnet `10.213.0.0/16`: expected a /24"), run.stderr)
    }

    func testNonRootIsToldToUseRoot() throws {
        let binary = try opsctl()
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw XCTSkip("needs root and setpriv to run opsctl as another user")
        }
        // The binary must be reachable by `nobody`; the checkout under /root may not be.
        let copy = NSTemporaryDirectory() + "/opsctl-lab-nonroot-\(getpid())"
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: binary, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy)
        let run = try Run.program(
            "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", copy, "lab", "status"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("opsctl lab must run as root"), run.stderr)
    }
}
