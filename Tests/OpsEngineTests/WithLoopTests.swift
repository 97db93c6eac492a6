import Foundation
import Jinja
import Logging
import OpsCore
import OpsTransport
import XCTest

@testable import OpsEngine

/// `with_<lookup>` loops run by ansible-playbook and by opsctl on the same files: each loop's items
/// (as the registered results record them) must be the same.
final class WithLoopTests: XCTestCase {
    static let tasks = """
        - {name: fileglob, debug: {msg: x}, with_fileglob: ["conf.d/*.conf"], register: r_fileglob}
        - {name: first_found, debug: {msg: x}, with_first_found: [missing.yml, vars/Debian.yml], register: r_ff}
        - name: first_found paths
          debug: {msg: x}
          with_first_found: [{files: [Fedora.yml, default.yml], paths: [vars]}]
          register: r_ffp
        - {name: nested, debug: {msg: x}, with_nested: [[a, b], [1, 2]], register: r_nested}
        - {name: together, debug: {msg: x}, with_together: [[a, b, c], [1, 2]], register: r_together}
        - {name: subelements, debug: {msg: x}, with_subelements: ["{{ users }}", keys], register: r_sub}
        - name: subelements skip
          debug: {msg: x}
          with_subelements: ["{{ users + [{'name': 'cy'}] }}", keys, {skip_missing: true}]
          register: r_subskip
        - {name: indexed, debug: {msg: x}, with_indexed_items: [a, b], register: r_indexed}
        - {name: sequence, debug: {msg: x}, with_sequence: start=1 end=5 stride=2 format=web%02d, register: r_seq}
        - {name: sequence count, debug: {msg: x}, with_sequence: count=3, register: r_seqc}
        - {name: sequence short, debug: {msg: x}, with_sequence: "4-6:h%d", register: r_seqs}
        - {name: file, debug: {msg: x}, with_file: [motd.txt, conf.d/a.conf], register: r_file}
        - {name: lines, debug: {msg: x}, with_lines: "printf 'a\\\\nb\\\\n'", register: r_lines}
        - {name: template, debug: {msg: x}, with_template: app.conf.j2, register: r_template}
        - {name: env, debug: {msg: x}, with_env: [HOME], register: r_env}
        - {name: items, debug: {msg: x}, with_items: [[1, 2], 3], register: r_items}
        - name: results
          copy:
            dest: "{{ out }}"
            content: >-
              {{ {'fileglob': r_fileglob.results | map(attribute='item') | map('basename') | sort,
                  'first_found': r_ff.results | map(attribute='item') | map('relpath', playbook_dir) | list,
                  'first_found_paths': r_ffp.results | map(attribute='item') | map('basename') | list,
                  'nested': r_nested.results | map(attribute='item') | list,
                  'together': r_together.results | map(attribute='item') | list,
                  'subelements': r_sub.results | map(attribute='item') | list,
                  'subelements_skip': r_subskip.results | map(attribute='item') | list,
                  'indexed': r_indexed.results | map(attribute='item') | list,
                  'sequence': r_seq.results | map(attribute='item') | list,
                  'sequence_count': r_seqc.results | map(attribute='item') | list,
                  'sequence_short': r_seqs.results | map(attribute='item') | list,
                  'file': r_file.results | map(attribute='item') | list,
                  'lines': r_lines.results | map(attribute='item') | list,
                  'template': r_template.results | map(attribute='item') | list,
                  'env': r_env.results | map(attribute='item') | list,
                  'items': r_items.results | map(attribute='item') | list} | to_json(sort_keys=True) }}
        """

    func testWithLoopsMatchAnsiblePlaybook() throws {
        let ansible = try Self.ansiblePlaybook()
        let s = try Scratch()
        try s.write("files/conf.d/a.conf", "a=1\n")
        try s.write("files/conf.d/b.conf", "b=2\n")
        try s.write("files/conf.d/c.txt", "c\n")
        try s.write("files/motd.txt", "Welcome\n\n")
        try s.write("files/vars/Debian.yml", "pkg: apt\n")
        try s.write("vars/default.yml", "pkg: none\n")
        try s.write("templates/app.conf.j2", "port={{ port }}\n{% for u in users %}user {{ u.name }}\n{% endfor %}")
        let play = """
            - hosts: all
              gather_facts: false
              vars:
                port: 8080
                users:
                  - {name: ann, keys: [k1, k2]}
                  - {name: bob, keys: [k3]}
              tasks:
            \(Self.tasks.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))

            """
        try s.write("site.yml", play)
        try s.write("local.yml", "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n")

        try AnsiblePlaybook.runLocally(ansible, s.path("site.yml"), extraVars: ["out=\(s.path("ansible.json"))"])

        let session = try PlaybookSession(
            playbookPath: s.path("site.yml"), inventoryPaths: [s.path("local.yml")], reader: DiskSourceReader())
        var options = RunOptions()
        options.extraVars = ["out": .string(s.path("opsctl.json"))]
        let events = ModuleTestEvents()
        let code = try session.run(
            options: options, overrides: ConnectionOverrides(), events: events, logger: Logger(label: "opsctl.tests"))
        XCTAssertEqual(code, 0, "\(PlayRun(code: code, outcomes: events.outcomes).failures)")

        let want = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: s.path("ansible.json"))))
        let got = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: s.path("opsctl.json"))))
        let w = want as? [String: Any] ?? [:]
        let g = got as? [String: Any] ?? [:]
        XCTAssertEqual(w.count, 16, "ansible's results: \(w)")
        for key in w.keys.sorted() {
            XCTAssertEqual(
                "\(g[key].map { "\($0)" } ?? "<missing>")", "\(w[key]!)",
                "with_\(key): opsctl's items differ from Ansible's")
        }
    }

    /// A `with_` loop whose lookup fails names the lookup and the task's place; an unknown `with_` is a load error.
    func testWithLoopErrors() throws {
        let s = try Scratch()
        let run = try s.run("- {name: missing, debug: {msg: x}, with_file: [nope.txt]}")
        XCTAssertNotEqual(run.code, 0)
        let msg = run.task("missing").result.msg ?? ""
        XCTAssert(msg.contains("lookup('file'): could not locate file \"nope.txt\""), msg)
        XCTAssert(msg.contains("site.yml:"), msg)
        let err = s.loadError("- {name: bad, debug: {msg: x}, with_fileglobs: ['*.conf']}")
        XCTAssert(err.contains("with_fileglob"), err)
        let seq = try s.run("- {name: seq, debug: {msg: x}, with_sequence: start=1 ends=3}")
        XCTAssert((seq.task("seq").result.msg ?? "").contains("did you mean end?"), "\(seq.failures)")
    }

    static func ansiblePlaybook() throws -> String { try AnsiblePlaybook.path() }
}
