import Foundation
import Jinja
import XCTest

final class UnarchiveTests: XCTestCase {
    func sh(_ command: String, file: StaticString = #filePath, line: UInt = #line) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        XCTAssertNoThrow(try p.run(), file: file, line: line)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "\(command) failed", file: file, line: line)
    }

    /// site.tar.gz (control node, files/) with two members.
    func makeArchive(_ s: Scratch, compress: String = "z", name: String = "site.tar.gz") throws {
        try s.write("src/site/index.html", "<h1>hi</h1>\n")
        try s.write("src/site/css/app.css", "body{}\n")
        try FileManager.default.createDirectory(atPath: s.path("files"), withIntermediateDirectories: true)
        sh("cd '\(s.path("src"))' && tar c\(compress)f '\(s.path("files/" + name))' site")
    }

    func testTarGzFromControlNodeIsIdempotent() throws {
        let s = try Scratch()
        try makeArchive(s)
        try FileManager.default.createDirectory(atPath: s.path("www"), withIntermediateDirectories: true)
        let tasks = """
            - name: unpack
              unarchive: {src: site.tar.gz, dest: "{{ dir }}/www", list_files: yes}
            """
        let check = try s.run(tasks, check: true)
        XCTAssertEqual(check.task("unpack").status, .changed, "\(check.failures)")
        XCTAssertFalse(s.exists("www/site"))
        let first = try s.run(tasks)
        XCTAssertEqual(first.task("unpack").status, .changed, "\(first.failures)")
        XCTAssertEqual(s.read("www/site/index.html"), "<h1>hi</h1>\n")
        XCTAssertEqual(first.task("unpack").string("handler"), "TgzArchive")
        XCTAssertEqual(first.task("unpack").value("extract_results")?["rc"]?.intValue, 0)
        XCTAssertEqual(Set(first.task("unpack").value("files")?.listValue?.compactMap(\.stringValue) ?? []),
            ["site/", "site/index.html", "site/css/", "site/css/app.css"])
        XCTAssertEqual(first.task("unpack").string("state"), "directory")
        let second = try s.run(tasks)
        XCTAssertEqual(second.task("unpack").status, .ok, "\(second.failures)")
        try s.write("www/site/index.html", "<h1>edited</h1>\n")
        XCTAssertEqual(try s.run(tasks).task("unpack").status, .changed)
        XCTAssertEqual(s.read("www/site/index.html"), "<h1>hi</h1>\n")
    }

    func testRemoteSrcXzCreatesAndMode() throws {
        let s = try Scratch()
        try makeArchive(s, compress: "J", name: "site.tar.xz")
        try FileManager.default.createDirectory(atPath: s.path("www"), withIntermediateDirectories: true)
        let tasks = """
            - name: unpack
              unarchive: {src: "{{ dir }}/files/site.tar.xz", dest: "{{ dir }}/www", remote_src: yes,
                          mode: "u=rwX,g=rX,o="}
            - name: guarded
              unarchive: {src: "{{ dir }}/files/site.tar.xz", dest: "{{ dir }}/www", remote_src: yes,
                          creates: "{{ dir }}/www/site"}
            """
        let first = try s.run(tasks)
        XCTAssertEqual(first.task("unpack").status, .changed, "\(first.failures)")
        XCTAssertEqual(first.task("unpack").string("handler"), "TarXzArchive")
        XCTAssertEqual(first.task("guarded").status, .skipped)
        XCTAssertEqual(first.task("guarded").result.msg, "skipped, since \(s.dir)/www/site exists")
        let attrs = try FileManager.default.attributesOfItem(atPath: s.path("www/site/index.html"))
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o640)
        XCTAssertEqual(try s.run(tasks).task("unpack").status, .ok)
    }

    func testZipArchive() throws {
        let s = try Scratch()
        try s.write("src/a.txt", "A\n")
        try FileManager.default.createDirectory(atPath: s.path("files"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: s.path("out"), withIntermediateDirectories: true)
        let zip = "import zipfile; z=zipfile.ZipFile('\(s.path("files/a.zip"))','w'); z.write('a.txt'); z.close()"
        sh("cd '\(s.path("src"))' && python3 -c \"\(zip)\"")
        let tasks = "- name: zip\n  unarchive: {src: a.zip, dest: \"{{ dir }}/out\"}"
        let first = try s.run(tasks)
        XCTAssertEqual(first.task("zip").status, .changed, "\(first.failures)")
        XCTAssertEqual(first.task("zip").string("handler"), "ZipArchive")
        XCTAssertEqual(s.read("out/a.txt"), "A\n")
        XCTAssertEqual(try s.run(tasks).task("zip").status, .ok)
    }

    func testErrors() throws {
        let s = try Scratch()
        try s.write("files/not-an-archive.tar.gz", "plain text\n")
        let run = try s.run("""
            - name: no dest
              unarchive: {src: not-an-archive.tar.gz, dest: "{{ dir }}/none"}
              ignore_errors: true
            - name: not archive
              unarchive: {src: not-an-archive.tar.gz, dest: "{{ dir }}"}
              ignore_errors: true
            - name: no src
              unarchive: {src: missing.tgz, dest: "{{ dir }}"}
              ignore_errors: true
            """)
        XCTAssertEqual(run.task("no dest").result.msg, "dest '\(s.dir)/none' must be an existing dir")
        XCTAssertTrue(run.task("not archive").result.msg?.hasPrefix("Failed to find handler for") ?? false)
        XCTAssertTrue(run.task("no src").result.msg?.contains("could not find \"missing.tgz\"") ?? false,
            run.task("no src").result.msg ?? "")
        XCTAssertTrue(s.loadError("- unarchive: {src: a.tgz}").contains("needs the argument \"dest\""))
        XCTAssertTrue(s.loadError("- unarchive: {src: a, dest: b, copy: no, remote_src: yes}")
            .contains("cannot be used together"))
    }
}
