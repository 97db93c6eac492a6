import Foundation

/// Runs a command on this machine for a test's setup or checks: its status and stdout.
func runShell(_ command: String, trimmed: Bool) -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try? p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    return (p.terminationStatus, trimmed ? text.trimmingCharacters(in: .whitespacesAndNewlines) : text)
}
