import Foundation
import Jinja
import XCTest

/// Every template of Corpus/ rendered by Python jinja2 (configured as Ansible's template module) and by
/// our engine must give the same bytes; a template Python rejects must be rejected by us too.
final class DifferentialTests: XCTestCase {
    struct Expected: Decodable {
        let output: String?
        let error: String?
    }

    func testCorpusMatchesPythonJinja2() throws {
        try Python.requireJinja2()
        let reference = Python.corpus.appendingPathComponent("reference.py").path
        let result = try Python.run([reference, "--batch", Python.corpus.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let expected = try JSONDecoder().decode([String: Expected].self, from: result.stdout)
        XCTAssertGreaterThanOrEqual(expected.count, 60, "the corpus should hold at least 60 templates")

        let environment = Environment(loader: DirectoryLoader(directory: Python.corpus))
        var mismatches: [String] = []
        for (name, want) in expected.sorted(by: { $0.key < $1.key }) {
            let got: Result<String, Error> = Result {
                let source = try String(contentsOf: Python.corpus.appendingPathComponent(name + ".j2"), encoding: .utf8)
                let varsURL = Python.corpus.appendingPathComponent(name + ".yml")
                var vars = ValueDict()
                if let text = try? String(contentsOf: varsURL, encoding: .utf8) {
                    vars = try Value(yaml: text).dictValue ?? ValueDict()
                }
                return try environment.template(source: source, name: name + ".j2").render(vars)
            }
            switch (want.output, got) {
            case (let w?, .success(let g)) where w != g:
                mismatches.append("\(name): output differs\n\(Self.diff(w, g))")
            case (nil, .success(let g)):
                mismatches.append("\(name): Python failed (\(want.error ?? "")) but we rendered:\n\(g)")
            case (_?, .failure(let e)):
                mismatches.append("\(name): Python rendered but we failed: \(e)")
            default:
                break
            }
        }
        XCTAssert(
            mismatches.isEmpty,
            "\(mismatches.count) of \(expected.count) templates differ:\n"
                + mismatches.joined(separator: "\n\n"))
    }

    /// The first differing line, with both versions, so a failure says where to look.
    static func diff(_ want: String, _ got: String) -> String {
        let w = want.split(separator: "\n", omittingEmptySubsequences: false)
        let g = got.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(w.count, g.count) {
            let a = i < w.count ? String(w[i]) : "<end>"
            let b = i < g.count ? String(g[i]) : "<end>"
            if a != b {
                return "  line \(i + 1):\n    python: \(a.debugDescription)\n    swift:  \(b.debugDescription)"
            }
        }
        return "  (only trailing bytes differ: \(want.utf8.count) vs \(got.utf8.count) bytes)"
    }
}
