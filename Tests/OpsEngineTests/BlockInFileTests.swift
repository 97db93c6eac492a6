import Foundation
import Jinja
import XCTest

final class BlockInFileTests: XCTestCase {
    func testInsertReplaceRemoveWithAnsibleMarkers() throws {
        let s = try Scratch()
        try s.write("hosts", "127.0.0.1 localhost\n")
        let insert = """
            - name: block
              blockinfile:
                path: "{{ dir }}/hosts"
                block: "10.0.0.1 web1\\n10.0.0.2 web2\\n\\n"
            """
        let first = try s.run(insert)
        XCTAssertEqual(first.task("block").status, .changed, "\(first.failures)")
        XCTAssertEqual(first.task("block").string("msg"), "Block inserted")
        XCTAssertEqual(s.read("hosts"), """
            127.0.0.1 localhost
            # BEGIN ANSIBLE MANAGED BLOCK
            10.0.0.1 web1
            10.0.0.2 web2

            # END ANSIBLE MANAGED BLOCK

            """)
        XCTAssertEqual(try s.run(insert).task("block").status, .ok)

        let replace = """
            - name: block
              blockinfile: {path: "{{ dir }}/hosts", block: "10.0.0.3 web3"}
            """
        XCTAssertEqual(try s.run(replace).task("block").status, .changed)
        XCTAssertEqual(
            s.read("hosts"),
            "127.0.0.1 localhost\n# BEGIN ANSIBLE MANAGED BLOCK\n10.0.0.3 web3\n# END ANSIBLE MANAGED BLOCK\n")

        let remove = """
            - name: block
              blockinfile: {path: "{{ dir }}/hosts", state: absent}
            """
        let removed = try s.run(remove)
        XCTAssertEqual(removed.task("block").string("msg"), "Block removed")
        XCTAssertEqual(s.read("hosts"), "127.0.0.1 localhost\n")
        XCTAssertEqual(try s.run(remove).task("block").status, .ok)
    }

    func testCustomMarkersInsertBeforeCreateAndBackup() throws {
        let s = try Scratch()
        try s.write("nginx.conf", "http {\n}\n")
        let tasks = """
            - name: custom
              blockinfile:
                path: "{{ dir }}/nginx.conf"
                marker: "# {mark} opsctl upstream"
                marker_begin: START
                marker_end: STOP
                insertbefore: '^\\}'
                block: "  upstream app { server 127.0.0.1:8080; }"
                backup: yes
            - name: create
              blockinfile: {path: "{{ dir }}/made", block: "x", create: yes}
            """
        let first = try s.run(tasks)
        XCTAssertEqual(first.code, 0, "\(first.failures)")
        XCTAssertEqual(s.read("nginx.conf"),
            "http {\n# START opsctl upstream\n  upstream app { server 127.0.0.1:8080; }\n# STOP opsctl upstream\n}\n")
        let backup = try XCTUnwrap(first.task("custom").string("backup_file"))
        XCTAssertEqual(try String(contentsOfFile: backup, encoding: .utf8), "http {\n}\n")
        XCTAssertEqual(first.task("create").string("msg"), "File created")
        XCTAssertEqual(s.read("made"), "# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n")
        let second = try s.run(tasks)
        XCTAssertEqual(second.outcomes.map(\.status), [.ok, .ok])
        XCTAssertNil(second.task("custom").string("backup_file"))
    }

    func testBlockLargerThanOneCommandLineArgument() throws {
        let s = try Scratch()
        try s.write("big", "head\n")
        let lines = (0..<20_000).map { "allow 10.\($0 / 256 % 256).\($0 % 256).0/24;" }
        let run = try s.run("""
            - name: big
              blockinfile: {path: "{{ dir }}/big", block: "{{ lines | join('\\n') }}"}
            """, extraVars: ["lines": .list(lines.map { .string($0) })])
        XCTAssertEqual(run.task("big").status, .changed, "\(run.failures)")
        XCTAssertEqual(s.read("big")?.split(separator: "\n").count, 20_003)
    }

    func testCheckAndDiff() throws {
        let s = try Scratch()
        try s.write("f", "a\n")
        let tasks = """
            - name: b
              blockinfile: {path: "{{ dir }}/f", block: "b"}
            """
        let check = try s.run(tasks, check: true, diff: true)
        XCTAssertEqual(check.task("b").status, .changed)
        XCTAssertEqual(s.read("f"), "a\n")
        let diff = try XCTUnwrap(check.task("b").result.diffs.first)
        XCTAssertEqual(diff.before, "a\n")
        XCTAssertEqual(diff.after, "a\n# BEGIN ANSIBLE MANAGED BLOCK\nb\n# END ANSIBLE MANAGED BLOCK\n")
    }

    func testMissingFileAndBadInput() throws {
        let s = try Scratch()
        let run = try s.run("""
            - name: missing
              blockinfile: {path: "{{ dir }}/none", block: x}
            """)
        XCTAssertEqual(run.task("missing").status, .failed)
        XCTAssertEqual(run.task("missing").result.msg, "Path \(s.dir)/none does not exist !")
        let absent = try s.run("""
            - name: absent created
              blockinfile: {path: "{{ dir }}/none", state: absent, create: yes}
            """)
        XCTAssertEqual(absent.task("absent created").status, .ok)
        XCTAssertEqual(absent.task("absent created").result.msg, "File \(s.dir)/none not present")
        XCTAssertFalse(s.exists("none"))
        XCTAssertTrue(s.loadError("- blockinfile: {block: x}").contains("needs the argument \"path\""))
        XCTAssertTrue(s.loadError("- blockinfile: {path: /x, state: maybe}").contains("must be one of"))
        XCTAssertTrue(s.loadError("- blockinfile: {path: /x, blok: y}").contains("did you mean \"block\""))
    }
}
