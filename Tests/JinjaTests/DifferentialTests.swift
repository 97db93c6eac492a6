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

    /// Whitespace control is where template engines drift apart: 300 seeded random mixes of tags, `-`/`+`
    /// modifiers, comments, raw blocks, newlines and the lstrip_blocks header must render identically.
    func testRandomWhitespaceCombinationsMatchPythonJinja2() throws {
        try Python.requireJinja2()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jinja-ws-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var sources: [String: String] = [:]
        var rng = SeededGenerator(seed: 42)
        for n in 0..<300 {
            let name = String(format: "ws%03d", n)
            sources[name] = Self.randomTemplate(&rng, lstrip: n % 3 == 0)
            try sources[name]!.write(to: dir.appendingPathComponent(name + ".j2"), atomically: true, encoding: .utf8)
        }
        let reference = Python.corpus.appendingPathComponent("reference.py").path
        let result = try Python.run([reference, "--batch", dir.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let expected = try JSONDecoder().decode([String: Expected].self, from: result.stdout)
        XCTAssertEqual(expected.count, 300)
        let env = Environment()
        var mismatches: [String] = []
        for (name, want) in expected.sorted(by: { $0.key < $1.key }) {
            let got = try? env.template(source: sources[name]!, name: name).render()
            if got != want.output {
                let python = (want.output ?? want.error ?? "").debugDescription
                let swift = (got ?? "<error>").debugDescription
                let source = sources[name]!.debugDescription
                mismatches.append("\(name): \(source)\n  python: \(python)\n  swift:  \(swift)")
            }
        }
        XCTAssert(mismatches.isEmpty, mismatches.prefix(5).joined(separator: "\n"))
    }

    static let pieces = [
        "{% if true %}", "{% endif %}", "{%- if true %}", "{% if true -%}", "{%+ if true %}", "{%- endif -%}",
        "{{ 'v' }}", "{{- 'v' }}", "{{ 'v' -}}", "{# c #}", "{#- c -#}", "{# c -#}", "\n", "\n\n", "  ", "\t", "text",
        " x ", "{% for i in [1,2] %}", "{% endfor %}", "{%- for i in [1,2] -%}", "{%- endfor %}", "{{ i }}",
        "{% raw %} {{ r }} {% endraw %}", "{%- raw -%} r {%- endraw -%}", "{% set a = 1 %}", "{%- set a = 2 -%}",
        "{%+ for i in [3] +%}", "{%- endfor +%}",
    ]

    static func randomTemplate(_ rng: inout SeededGenerator, lstrip: Bool) -> String {
        var out = lstrip ? "#jinja2: lstrip_blocks: True\n" : ""
        var ifs = 0
        var fors = 0
        for _ in 0..<Int.random(in: 3...25, using: &rng) {
            let p = pieces.randomElement(using: &rng)!
            if p.contains("endif") {
                if ifs == 0 { continue }
                ifs -= 1
            } else if p.contains("if true") {
                ifs += 1
            }
            if p.contains("endfor") {
                if fors == 0 { continue }
                fors -= 1
            } else if p.contains("for i") {
                fors += 1
            }
            if p == "{{ i }}" && fors == 0 { continue }
            out += p
        }
        out += String(repeating: "{% endif %}", count: ifs) + String(repeating: "{% endfor %}", count: fors)
        if Bool.random(using: &rng) { out += String(repeating: "\n", count: Int.random(in: 1...3, using: &rng)) }
        return out
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

/// A deterministic generator (SplitMix64) so random test inputs are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
