import Foundation
import XCTest

/// Runs the Python reference renderer. Missing python3/jinja2 skips locally but fails in CI (CI=true).
enum Python {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpus")

    static func run(_ arguments: [String], python: String = "python3") throws
        -> (status: Int32, stdout: Data, stderr: String)
    {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python] + arguments
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, data, String(decoding: errData, as: UTF8.self))
    }

    /// Fails (CI) or skips (local) when python3 with jinja2 and PyYAML is not available.
    static func requireJinja2() throws {
        let probe = try? run(["-c", "import jinja2, yaml; assert jinja2.__version__.startswith('3.1')"])
        if probe?.status == 0 { return }
        let message =
            "python3 with jinja2 3.1 and PyYAML is required (pip install 'jinja2>=3.1,<3.2' pyyaml): "
            + (probe?.stderr ?? "python3 not found")
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail(message)
            throw XCTSkip("failed: " + message)
        }
        throw XCTSkip(message)
    }

    /// A python3 that imports ansible-core (its Templar renders the reference output): the one on PATH
    /// (CI puts .venv/bin first), else the repository's .venv. Skips locally, fails in CI, when none does.
    static func requireAnsible() throws -> String {
        let root = corpus.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = ["python3", root.appendingPathComponent(".venv/bin/python3").path]
        for python in candidates {
            let probe = try? run(["-c", "import ansible.template, yaml, passlib"], python: python)
            if probe?.status == 0 {
                return python
            }
        }
        let message = "python3 with ansible-core and passlib is required (.ci/deps installs them into .venv)"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail(message)
            throw XCTSkip("failed: " + message)
        }
        throw XCTSkip(message)
    }
}
