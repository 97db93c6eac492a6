import Foundation
import Jinja
@testable import OpsEngine
import XCTest

/// `copy` writes through a temporary file created with its final mode (no mktemp, no chmod):
/// the modes Ansible gives must still come out, an existing file keeps its mode, nothing is
/// left behind, and the second run changes nothing while reporting the same attributes.
final class FileWriterTests: XCTestCase {
    func testModesOfNewAndReplacedFilesAndSecondRunUnchanged() throws {
        let fleet = try LocalFleet(hosts: ["h1"])
        try fleet.write("kept", "old\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: fleet.dir.path + "/kept")
        let playbook = """
            - hosts: all
              gather_facts: false
              tasks:
                - name: secret
                  copy: {dest: "{{ work }}/secret", content: "s\\n", mode: "0600"}
                - name: plain
                  copy: {dest: "{{ work }}/plain", content: "p\\n"}
                - name: script
                  copy: {dest: "{{ work }}/script", content: "#!/bin/sh\\n", mode: "0755"}
                - name: kept
                  copy: {dest: "{{ work }}/kept", content: "new\\n"}
                - name: d
                  file: {path: "{{ work }}/d", state: directory, mode: "0750"}
            """
        let umask = currentUmask()
        for run in 1...2 {
            let (code, events) = try fleet.play(playbook)
            XCTAssertEqual(code, 0, "run \(run): \(events.outcomes.map { "\($0.task): \($0.result.msg ?? "")" })")
            let expected: [(String, Int)] = [
                ("secret", 0o600), ("plain", 0o666 & ~umask), ("script", 0o755), ("kept", 0o640), ("d", 0o750),
            ]
            for (name, mode) in expected {
                let attributes = try FileManager.default.attributesOfItem(atPath: fleet.dir.path + "/" + name)
                XCTAssertEqual(
                    (attributes[.posixPermissions] as? Int).map { String($0, radix: 8) }, String(mode, radix: 8),
                    "run \(run): mode of \(name)")
                let outcome = try XCTUnwrap(events.outcomes.first { $0.task == name })
                XCTAssertEqual(outcome.status, run == 1 ? .changed : .ok, "run \(run): \(name)")
                XCTAssertEqual(
                    outcome.result.values["mode"]?.stringValue, String(format: "%04o", mode), "run \(run): \(name)")
            }
            for (name, content) in [("secret", "s\n"), ("plain", "p\n"), ("kept", "new\n")] {
                XCTAssertEqual(fleet.read(name), content)
                let outcome = try XCTUnwrap(events.outcomes.first { $0.task == name })
                XCTAssertEqual(outcome.result.values["size"]?.intValue, content.utf8.count)
                XCTAssertEqual(outcome.result.values["state"]?.stringValue, "file")
            }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: fleet.dir.path)
                .filter { $0.hasPrefix(".opsctl") }
            XCTAssertEqual(leftovers, [], "temporary files left behind")
        }
    }

    private func currentUmask() -> Int {
        let old = umask(0o022)
        umask(old)
        return Int(old)
    }
}
