import Foundation
import Jinja
import XCTest

final class LineInFileTests: XCTestCase {
    func testAddReplaceRemoveWithAnsibleMessages() throws {
        let s = try Scratch()
        try s.write("conf", "PermitRootLogin yes\nPort 22\n")
        let tasks = """
            - name: replace
              lineinfile: {path: "{{ dir }}/conf", regexp: '^PermitRootLogin\\s', line: PermitRootLogin no}
            - name: add
              lineinfile: {path: "{{ dir }}/conf", line: "MaxAuthTries 3"}
            - name: remove
              lineinfile: {path: "{{ dir }}/conf", regexp: '^Port', state: absent}
            """
        let first = try s.run(tasks)
        XCTAssertEqual(first.code, 0, "\(first.failures)")
        XCTAssertEqual(first.task("replace").status, .changed)
        XCTAssertEqual(first.task("replace").string("msg"), "line replaced")
        XCTAssertEqual(first.task("add").string("msg"), "line added")
        XCTAssertEqual(first.task("remove").string("msg"), "1 line(s) removed")
        XCTAssertEqual(first.task("remove").value("found")?.intValue, 1)
        XCTAssertEqual(first.task("add").string("backup"), "")
        XCTAssertEqual(s.read("conf"), "PermitRootLogin no\nMaxAuthTries 3\n")

        let second = try s.run(tasks)
        XCTAssertEqual(second.outcomes.map(\.status), [.ok, .ok, .ok])
        XCTAssertEqual(second.task("add").string("msg"), "")
        XCTAssertEqual(s.read("conf"), "PermitRootLogin no\nMaxAuthTries 3\n")
    }

    func testInsertAfterBeforeBOFEOFAndBackrefs() throws {
        let s = try Scratch()
        try s.write("f", "[main]\na=1\n[other]\nb=2\n")
        let tasks = """
            - name: after
              lineinfile: {path: "{{ dir }}/f", line: "x=9", insertafter: '^\\[main\\]'}
            - name: before
              lineinfile: {path: "{{ dir }}/f", line: "# top", insertbefore: BOF}
            - name: eof
              lineinfile: {path: "{{ dir }}/f", line: "# end", insertafter: EOF}
            - name: before other
              lineinfile: {path: "{{ dir }}/f", line: "c=3", insertbefore: '^\\[other\\]'}
            - name: backrefs
              lineinfile: {path: "{{ dir }}/f", regexp: '^b=(\\d+)$', line: 'b=\\1\\1', backrefs: yes}
            - name: backrefs no match
              lineinfile: {path: "{{ dir }}/f", regexp: '^nothing=(.*)$', line: 'n=\\1', backrefs: yes}
            """
        let first = try s.run(tasks)
        XCTAssertEqual(first.code, 0, "\(first.failures)")
        XCTAssertEqual(s.read("f"), "# top\n[main]\nx=9\na=1\nc=3\n[other]\nb=22\n# end\n")
        XCTAssertEqual(first.task("backrefs no match").status, .ok)
        // backrefs turns b=22 into b=2222 again: not idempotent in Ansible either, so drop it.
        let second = try s.run(tasks.components(separatedBy: "- name: backrefs\n")[0])
        XCTAssertEqual(second.outcomes.map(\.status), [.ok, .ok, .ok, .ok])
        XCTAssertEqual(s.read("f"), "# top\n[main]\nx=9\na=1\nc=3\n[other]\nb=22\n# end\n")
    }

    func testCreateBackupModeAndMissingFile() throws {
        let s = try Scratch()
        let tasks = """
            - name: create
              lineinfile: {path: "{{ dir }}/sub/new.conf", line: "k=v", create: yes, mode: "0640"}
            - name: missing
              lineinfile: {path: "{{ dir }}/nope", line: "k=v"}
              ignore_errors: yes
              register: missing
            - name: backup
              lineinfile: {path: "{{ dir }}/sub/new.conf", line: "k2=v2", backup: yes}
            - name: absent on missing
              lineinfile: {path: "{{ dir }}/nope", line: "k=v", state: absent}
            """
        let first = try s.run(tasks)
        XCTAssertEqual(first.task("create").status, .changed)
        XCTAssertEqual(first.task("missing").status, .failed)
        XCTAssertEqual(first.task("missing").result.msg, "Destination \(s.dir)/nope does not exist !")
        XCTAssertEqual(first.task("missing").value("rc")?.intValue, 257)
        let backup = try XCTUnwrap(first.task("backup").string("backup"))
        XCTAssertTrue(backup.hasPrefix(s.dir + "/sub/new.conf."), backup)
        XCTAssertEqual(try String(contentsOfFile: backup, encoding: .utf8), "k=v\n")
        XCTAssertEqual(first.task("absent on missing").string("msg"), "file not present")
        XCTAssertEqual(s.read("sub/new.conf"), "k=v\nk2=v2\n")
        let attrs = try FileManager.default.attributesOfItem(atPath: s.path("sub/new.conf"))
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o640)
    }

    func testEditsTheTargetOfASymlink() throws {
        let s = try Scratch()
        try s.write("real.conf", "a\n")
        try FileManager.default.createSymbolicLink(
            atPath: s.path("link.conf"), withDestinationPath: s.path("real.conf"))
        let run = try s.run("""
            - name: line
              lineinfile: {path: "{{ dir }}/link.conf", line: b}
            - name: block
              blockinfile: {path: "{{ dir }}/link.conf", block: c}
            """)
        XCTAssertEqual(run.outcomes.map(\.status), [.changed, .changed], "\(run.failures)")
        XCTAssertEqual(
            try FileManager.default.destinationOfSymbolicLink(atPath: s.path("link.conf")), s.path("real.conf"))
        XCTAssertEqual(s.read("real.conf"), "a\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nc\n# END ANSIBLE MANAGED BLOCK\n")
    }

    func testModeOnlyChangeSaysSo() throws {
        let s = try Scratch()
        try s.write("m", "a\n")
        let run = try s.run("""
            - name: mode
              lineinfile: {path: "{{ dir }}/m", line: a, mode: "0600"}
            """)
        XCTAssertEqual(run.task("mode").status, .changed)
        XCTAssertEqual(run.task("mode").string("msg"), "ownership, perms or SE linux context changed")
    }

    func testCheckModeChangesNothingAndDiffShowsTheEdit() throws {
        let s = try Scratch()
        try s.write("c", "one\n")
        let tasks = """
            - name: add
              lineinfile: {path: "{{ dir }}/c", line: two}
            - name: create
              lineinfile: {path: "{{ dir }}/new", line: x, create: true}
            """
        let check = try s.run(tasks, check: true, diff: true)
        XCTAssertEqual(check.outcomes.map(\.status), [.changed, .changed])
        XCTAssertEqual(s.read("c"), "one\n")
        XCTAssertFalse(s.exists("new"))
        let diff = try XCTUnwrap(check.task("add").result.diffs.first)
        XCTAssertEqual(diff.before, "one\n")
        XCTAssertEqual(diff.after, "one\ntwo\n")
        XCTAssertEqual(diff.beforeHeader, "\(s.dir)/c (content)")
        let real = try s.run(tasks, diff: true)
        XCTAssertEqual(real.task("add").result.diffs.first?.after, "one\ntwo\n")
        XCTAssertEqual(s.read("c"), "one\ntwo\n")
    }

    func testValidateRejectsAndKeepsTheFile() throws {
        let s = try Scratch()
        try s.write("v", "ok\n")
        let run = try s.run("""
            - name: validate
              lineinfile: {path: "{{ dir }}/v", line: bad, validate: "grep -q nomatch %s"}
            """)
        XCTAssertEqual(run.task("validate").status, .failed)
        XCTAssertTrue(run.task("validate").result.msg?.hasPrefix("failed to validate: rc:1") ?? false,
            run.task("validate").result.msg ?? "")
        XCTAssertEqual(s.read("v"), "ok\n")
    }

    func testBadInputIsALoaderError() throws {
        let s = try Scratch()
        XCTAssertTrue(s.loadError("- lineinfile: {line: x}").contains("needs the argument \"path\""))
        XCTAssertTrue(s.loadError("- lineinfile: {path: /x, regexp: a}").contains("state=present needs line"))
        XCTAssertTrue(s.loadError("- lineinfile: {path: /x, line: a, state: gone}").contains("must be one of"))
        XCTAssertTrue(s.loadError("- lineinfile: {path: /x, line: a, insertafter: a, insertbefore: b}")
            .contains("cannot be used together"))
        XCTAssertTrue(s.loadError("- lineinfile: {path: /x, state: absent}").contains("one of regexp"))
        XCTAssertTrue(s.loadError("- lineinfile: {path: /x, line: a, backrefs: yes}").contains("needs regexp"))
        XCTAssertTrue(s.loadError("- lineinfile: {path: /x, line: a, regexpp: b}").contains("did you mean \"regexp\""))
    }
}
