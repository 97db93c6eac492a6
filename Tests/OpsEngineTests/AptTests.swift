import Foundation
import Jinja
import XCTest

/// apt against this Debian machine: what can be checked without the network (installed
/// packages, apt's simulation, a local .deb). Installing from a repository runs on the lab
/// (LabServiceTests).
final class AptTests: XCTestCase {
    let package = "opsctl-test-pkg\(getpid() % 100000)"

    override func tearDown() {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "dpkg -P \(package) >/dev/null 2>&1"]
        try? p.run()
        p.waitUntilExit()
    }

    func sh(_ command: String) -> (Int32, String) {
        runShell(command, trimmed: false)
    }

    func testInstalledPackageIsOkAndUnchanged() throws {
        let s = try Scratch()
        let run = try s.run("""
            - name: coreutils
              apt: {name: coreutils, state: present}
            - name: list
              apt:
                name: [coreutils, bash]
            """)
        XCTAssertEqual(run.task("coreutils").status, .ok, "\(run.failures)")
        XCTAssertEqual(run.task("coreutils").value("cache_updated"), .bool(false))
        XCTAssertGreaterThan(run.task("coreutils").value("cache_update_time")?.intValue ?? 0, 0)
        XCTAssertNil(run.task("coreutils").value("stdout"))
        XCTAssertEqual(run.task("list").status, .ok)
    }

    func testCheckModeSimulatesWithAptGet() throws {
        let s = try Scratch()
        // A package this machine has in its lists but not installed (the lists are Debian's).
        let candidate = sh("apt-cache policy hello | sed -n 's/^ *Candidate: //p'").1
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(candidate.isEmpty || candidate == "(none)", "apt lists must know the package hello")
        XCTAssertNotEqual(sh("dpkg-query -W -f='${db:Status-Abbrev}' hello").1.prefix(2), "ii",
            "hello must not be installed for this test")
        let run = try s.run("""
            - name: hello
              apt: {name: hello, install_recommends: no}
            - name: missing
              apt: {name: opsctl-no-such-package}
              ignore_errors: true
            """, check: true)
        XCTAssertEqual(run.task("hello").status, .changed, "\(run.failures)")
        XCTAssertTrue(run.task("hello").string("stdout")?.contains("Inst hello") ?? false)
        XCTAssertNotEqual(sh("dpkg-query -W -f='${db:Status-Abbrev}' hello").1.prefix(2), "ii")
        XCTAssertEqual(run.task("missing").status, .failed)
        XCTAssertEqual(run.task("missing").result.msg, "No package matching 'opsctl-no-such-package' is available")
    }

    func testCacheValidTimeSkipsAFreshCache() throws {
        let s = try Scratch()
        let run = try s.run("""
            - name: update
              apt: {update_cache: yes, cache_valid_time: 315360000}
            """, check: true)
        XCTAssertEqual(run.task("update").status, .ok, "\(run.failures)")
        XCTAssertEqual(run.task("update").value("cache_updated"), .bool(false))
        XCTAssertGreaterThan(run.task("update").value("cache_update_time")?.intValue ?? 0, 0)
        let forced = try s.run("- name: update\n  apt: {update_cache: yes}", check: true)
        XCTAssertEqual(forced.task("update").status, .changed)
        XCTAssertEqual(forced.task("update").value("cache_updated"), .bool(true))
        // With packages, a cache update alone is no change (Ansible's rule), so such tasks stay idempotent.
        let withPackage = try s.run("- name: update\n  apt: {name: coreutils, update_cache: yes}", check: true)
        XCTAssertEqual(withPackage.task("update").status, .ok)
        XCTAssertEqual(withPackage.task("update").value("cache_updated"), .bool(true))
    }

    func testLocalDebInstallThenPurge() throws {
        let s = try Scratch()
        try s.write("pkg/DEBIAN/control", """
            Package: \(package)
            Version: 1.0
            Architecture: all
            Maintainer: opsctl tests <ops@example.com>
            Description: opsctl apt module test package

            """)
        try s.write("pkg/usr/share/doc/\(package)/README", "test\n")
        XCTAssertEqual(sh("dpkg-deb --build '\(s.path("pkg"))' '\(s.path("t.deb"))'").0, 0)
        let install = "- name: deb\n  apt: {deb: \"{{ dir }}/t.deb\"}"
        let check = try s.run(install, check: true)
        XCTAssertEqual(check.task("deb").status, .changed, "\(check.failures)")
        XCTAssertNotEqual(sh("dpkg-query -W -f='${db:Status-Abbrev}' \(package)").1.prefix(2), "ii")
        let first = try s.run(install)
        XCTAssertEqual(first.task("deb").status, .changed, "\(first.failures)")
        XCTAssertEqual(sh("dpkg-query -W -f='${db:Status-Abbrev}' \(package)").1.prefix(2), "ii")
        XCTAssertEqual(try s.run(install).task("deb").status, .ok)
        let byName = try s.run("- name: n\n  apt: {name: \(package), state: present}")
        XCTAssertEqual(byName.task("n").status, .ok)
        let remove = "- name: rm\n  apt: {name: \(package), state: absent, purge: yes}"
        let removed = try s.run(remove)
        XCTAssertEqual(removed.task("rm").status, .changed, "\(removed.failures)")
        XCTAssertNotEqual(sh("dpkg-query -W -f='${db:Status-Abbrev}' \(package)").1.prefix(2), "ii")
        XCTAssertEqual(try s.run(remove).task("rm").status, .ok)
    }

    func testBadInput() throws {
        let s = try Scratch()
        XCTAssertTrue(s.loadError("- apt: {state: present}").contains("needs one of: name"))
        XCTAssertTrue(s.loadError("- apt: {name: x, state: installed}").contains("must be one of"))
        XCTAssertTrue(s.loadError("- apt: {name: x, deb: /x.deb}").contains("cannot be used together"))
        XCTAssertTrue(s.loadError("- apt: {name: x, update_cahce: yes}").contains("did you mean \"update_cache\""))
    }
}
