import Foundation
import Jinja
import XCTest

final class SlurpFetchTests: XCTestCase {
    func testSlurpReturnsBase64() throws {
        let s = try Scratch()
        try s.write("motd", "hello\nworld\n")
        let run = try s.run("""
            - name: slurp
              slurp: {src: "{{ dir }}/motd"}
              register: m
            - name: decoded
              assert: {that: ["m.content | b64decode == 'hello\\nworld\\n'", "m.encoding == 'base64'"]}
            - name: missing
              slurp: {src: "{{ dir }}/none"}
              ignore_errors: true
            - name: directory
              slurp: {src: "{{ dir }}"}
              ignore_errors: true
            """)
        XCTAssertEqual(run.task("slurp").status, .ok)
        XCTAssertEqual(run.task("slurp").string("content"), Data("hello\nworld\n".utf8).base64EncodedString())
        XCTAssertEqual(run.task("slurp").string("source"), "\(s.dir)/motd")
        XCTAssertEqual(run.task("decoded").status, .ok, "\(run.failures)")
        XCTAssertEqual(run.task("missing").result.msg, "file not found: \(s.dir)/none")
        XCTAssertEqual(run.task("directory").result.msg, "source is a directory and must be a file: \(s.dir)")
        XCTAssertTrue(s.loadError("- slurp: {}").contains("needs the argument \"src\""))
    }

    func testFetchLayoutIdempotenceCheckAndFlat() throws {
        let s = try Scratch()
        try s.write("remote/app.conf", "port=80\n")
        let tasks = """
            - name: fetch
              fetch: {src: "{{ dir }}/remote/app.conf", dest: "{{ dir }}/fetched"}
            - name: flat
              fetch: {src: "{{ dir }}/remote/app.conf", dest: "{{ dir }}/flat/", flat: yes}
            - name: missing ok
              fetch: {src: "{{ dir }}/remote/none", dest: "{{ dir }}/fetched", fail_on_missing: no}
            """
        let check = try s.run(tasks, check: true)
        XCTAssertEqual(check.task("fetch").status, .changed)
        XCTAssertFalse(s.exists("fetched"))
        let first = try s.run(tasks)
        XCTAssertEqual(first.code, 0, "\(first.failures)")
        let fetched = "fetched/local\(s.dir)/remote/app.conf"
        XCTAssertEqual(s.read(fetched), "port=80\n")
        XCTAssertEqual(first.task("fetch").status, .changed)
        XCTAssertEqual(first.task("fetch").string("dest"), s.path(fetched))
        XCTAssertEqual(first.task("fetch").string("checksum"), first.task("fetch").string("remote_checksum"))
        XCTAssertEqual(first.task("fetch").string("checksum")?.count, 40)
        XCTAssertEqual(first.task("fetch").string("md5sum")?.count, 32)
        XCTAssertEqual(first.task("fetch").value("remote_md5sum"), Value.none)
        XCTAssertEqual(s.read("flat/app.conf"), "port=80\n")
        XCTAssertEqual(first.task("missing ok").status, .ok)
        XCTAssertEqual(first.task("missing ok").result.msg,
            "the remote file does not exist, not transferring, ignored")
        let second = try s.run(tasks)
        XCTAssertEqual(second.outcomes.map(\.status), [.ok, .ok, .ok])
        XCTAssertEqual(second.task("fetch").string("file"), "\(s.dir)/remote/app.conf")
        try s.write("remote/app.conf", "port=81\n")
        XCTAssertEqual(try s.run(tasks).task("fetch").status, .changed)
        XCTAssertEqual(s.read(fetched), "port=81\n")
    }

    func testFetchFailsOnMissingByDefault() throws {
        let s = try Scratch()
        let run = try s.run("""
            - name: f
              fetch: {src: /nonexistent/opsctl, dest: "{{ dir }}/x"}
            """)
        XCTAssertEqual(run.task("f").status, .failed)
        XCTAssertEqual(run.task("f").result.msg, "the remote file does not exist")
        XCTAssertTrue(s.loadError("- fetch: {src: /etc/hosts}").contains("needs the argument \"dest\""))
    }
}
