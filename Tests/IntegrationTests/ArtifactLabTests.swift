import Foundation
import XCTest

/// The detection-service artifact, built by `.ci/test` with `opsctl artifact build`, runs on a
/// lab host that has no Swift toolchain (playbooks/artifact-smoke.yml, run by opsctl itself).
final class ArtifactLabTests: XCTestCase {
    func testArtifactRunsOnALabHostWithoutSwift() throws {
        let env = ProcessInfo.processInfo.environment
        guard let inventory = env["OPSCTL_LAB_INVENTORY"], let opsctl = env["OPSCTL_BIN"],
            let artifact = env["OPSCTL_ARTIFACT"]
        else {
            if env["CI"] == "true" { XCTFail("OPSCTL_LAB_INVENTORY, OPSCTL_BIN and OPSCTL_ARTIFACT must be set in CI") }
            throw XCTSkip("needs the lab and a built artifact (.ci/test provides both)")
        }
        // The manifest travels inside the tarball; read it here to pass the runtime packages on.
        let list = Process()
        list.executableURL = URL(fileURLWithPath: "/bin/tar")
        list.arguments = ["-xzOf", artifact, "manifest.json"]
        let pipe = Pipe()
        list.standardOutput = pipe
        try list.run()
        let manifest = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        list.waitUntilExit()
        XCTAssertEqual(list.terminationStatus, 0)
        XCTAssertTrue(manifest.contains("runtime_packages"), manifest)

        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let extra = FileManager.default.temporaryDirectory.appendingPathComponent("artifact-\(UUID().uuidString).json")
        let payload = try JSONSerialization.data(withJSONObject: ["artifact": artifact, "artifact_manifest": manifest])
        try payload.write(to: extra)
        let play = Process()
        play.executableURL = URL(fileURLWithPath: opsctl)
        play.arguments = [
            "play", repo.appendingPathComponent("playbooks/artifact-smoke.yml").path, "-i", inventory, "-l", "app1",
            "-e", "@" + extra.path, "--no-color",
        ]
        let out = Pipe()
        play.standardOutput = out
        play.standardError = out
        try play.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        play.waitUntilExit()
        XCTAssertEqual(play.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("app1 : ok="), text)
        XCTAssertTrue(text.contains("failed=0"), text)
    }
}
