import Foundation
import XCTest

/// The real ansible-playbook, the reference the parity tests compare opsctl with.
enum AnsiblePlaybook {
    /// On PATH, else the checkout's .venv (.ci/deps installs ansible-core there). Missing: skipped
    /// locally, a failure in CI.
    static func path() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map {
            "\($0)/ansible-playbook"
        }
        candidates.append(root.appendingPathComponent(".venv/bin/ansible-playbook").path)
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail("ansible-playbook is not on PATH: .ci/deps installs ansible-core into .venv")
        }
        throw XCTSkip("ansible-playbook is not installed")
    }

    /// Runs `playbook` on localhost with the local connection and `-e` variables; asserts it
    /// succeeded and returns its output.
    @discardableResult
    static func runLocally(
        _ ansible: String, _ playbook: String, extraVars: [String], options: [String] = [],
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ansible)
        p.arguments = ["-i", "localhost,", "-c", "local"] + extraVars.flatMap { ["-e", $0] } + [playbook] + options
        // Modules need only some Python 3 on the host; discovery may pick a pyenv shim without one.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") {
            p.arguments! += ["-e", "ansible_python_interpreter=/usr/bin/python3"]
        }
        var env = ProcessInfo.processInfo.environment
        env["ANSIBLE_LOCALHOST_WARNING"] = "False"
        env["ANSIBLE_NOCOLOR"] = "1"
        p.environment = env
        let log = Pipe()
        p.standardOutput = log
        p.standardError = log
        try p.run()
        let output = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, output, file: file, line: line)
        return output
    }
}
