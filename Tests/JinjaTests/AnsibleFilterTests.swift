import Foundation
import Jinja
import XCTest

/// Ansible's filters and tests against ansible-core itself: every case of Corpus/ansible/filters.yml is
/// rendered by ansible-core's Templar and by our engine, and the bytes must be equal; a case Ansible
/// rejects must be rejected by us too.
final class AnsibleFilterTests: XCTestCase {
    struct Expected: Decodable {
        let output: String?
        let error: String?
    }

    func testFiltersAndTestsMatchAnsibleCore() throws {
        let python = try Python.requireAnsible()
        let dir = Python.corpus.appendingPathComponent("ansible")
        let casesURL = dir.appendingPathComponent("filters.yml")
        let result = try Python.run(
            [dir.appendingPathComponent("ansible_reference.py").path, casesURL.path], python: python)
        XCTAssertEqual(result.status, 0, result.stderr)
        let expected = try JSONDecoder().decode([String: Expected].self, from: result.stdout)
        let cases = try Value(yaml: try String(contentsOf: casesURL, encoding: .utf8)).listValue ?? []
        XCTAssertEqual(expected.count, cases.count, "every case has a reference result")
        XCTAssertGreaterThanOrEqual(cases.count, 50)

        // Templar.template escapes backslashes in `{{ }}` literals, as the playbook engine's strings do.
        var options = TemplateOptions.ansible
        options.escapeBackslashes = true
        let environment = Environment(options: options)
        var mismatches: [String] = []
        for c in cases {
            let name = c["name"]?.stringValue ?? "?"
            let source = c["template"]?.stringValue ?? ""
            guard let want = expected[name] else {
                mismatches.append("\(name): no reference result")
                continue
            }
            let got = Result {
                try environment.template(source: source, name: name).render(c["vars"]?.dictValue ?? [:])
            }
            switch (want.output, got) {
            case (let w?, .success(let g)) where w != g:
                mismatches.append("\(name): output differs\n\(DifferentialTests.diff(w, g))")
            case (nil, .success(let g)):
                mismatches.append(
                    "\(name): Ansible failed (\(want.error ?? "")) but we rendered: \(g.debugDescription)")
            case (_?, .failure(let e)):
                mismatches.append("\(name): Ansible rendered but we failed: \(e)")
            default:
                break
            }
        }
        XCTAssert(
            mismatches.isEmpty,
            "\(mismatches.count) of \(cases.count) cases differ from ansible-core:\n"
                + mismatches.joined(separator: "\n\n"))
    }
}
