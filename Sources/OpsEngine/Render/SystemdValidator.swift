import Foundation
import Logging

/// `systemd-analyze verify` on every unit under `systemd/` of the rendered output,
/// `systemd-analyze security` on its services, and `sh -n` on the scripts they start.
///
/// verify exits 0 on an unknown key and only prints a warning, so any line it prints is a
/// failure. It also insists that ExecStart= binaries exist, which they do not before deploy:
/// units are verified in a scratch root (`--root`) holding a copy of the system's units, our
/// units in /etc/systemd/system, and an empty executable at every absolute Exec path.
public struct SystemdValidator: Validator {
    public let name = "systemd"
    public let tools: [ExternalTool] = [.systemdAnalyze]
    /// Highest acceptable `systemd-analyze security` exposure (0 = locked down, 10 = unsafe, as it
    /// prints it; its --threshold counts in tenths); nil skips the check.
    public let securityThreshold: Double?
    let logger: Logger

    static let unitSuffixes = [".service", ".timer", ".socket", ".path", ".mount", ".target"]
    static let execKeys: Set<String> = [
        "ExecStart", "ExecStartPre", "ExecStartPost", "ExecReload", "ExecStop", "ExecStopPost",
        "ExecCondition",
    ]

    public init(securityThreshold: Double? = 2.5, logger: Logger) {
        self.securityThreshold = securityThreshold
        self.logger = logger
    }

    public func validate(outputDirectory: URL) throws -> [ValidationFailure] {
        let units = files(in: outputDirectory, subdirectory: "systemd", suffixes: Self.unitSuffixes)
        guard !units.isEmpty else { return try checkScripts(in: outputDirectory) }
        let analyze = try ExternalTool.systemdAnalyze.require()
        let scratch = try ScratchDirectory(prefix: "systemd")
        defer { scratch.remove() }
        let root = scratch.url.appendingPathComponent("root", isDirectory: true)
        let unitDirectory = root.appendingPathComponent("etc/systemd/system", isDirectory: true)
        try prepareRoot(root, unitDirectory: unitDirectory, units: units)

        var failures: [ValidationFailure] = []
        for unit in units {
            let copy = unitDirectory.appendingPathComponent(unit.lastPathComponent)
            let mapping = [(copy.path, unit.path)]
            let verify = try ToolRun.run(
                analyze, ["verify", "--root=\(root.path)", "--man=no", copy.path], logger: logger)
            if verify.status != 0 || !verify.lines.isEmpty {
                failures.append(ValidationFailure(
                    validator: "systemd-analyze verify", file: unit.path,
                    message: ScratchDirectory.mapPaths(verify.output.trimmingCharacters(in: .newlines), mapping)))
                continue
            }
            if let threshold = securityThreshold, unit.pathExtension == "service" {
                let security = try ToolRun.run(
                    analyze,
                    ["security", "--offline=yes", "--root=\(root.path)",
                     "--threshold=\(Int((threshold * 10).rounded()))", "--no-pager", unit.lastPathComponent],
                    logger: logger)
                if security.status != 0 {
                    let verdict = security.lines.last { $0.contains("Overall exposure level") } ?? security.output
                    failures.append(ValidationFailure(
                        validator: "systemd-analyze security", file: unit.path,
                        message: "\(verdict.trimmingCharacters(in: .whitespaces)) (threshold \(threshold)):"
                            + " add hardening settings; `systemd-analyze security --offline=yes \(unit.path)`"
                            + " lists them"))
                }
            }
        }
        failures += try checkScripts(in: outputDirectory)
        return failures
    }

    /// The scripts units start (`systemd/*.sh`) get `sh -n`: a syntax error would otherwise only
    /// show when the timer first fires.
    func checkScripts(in outputDirectory: URL) throws -> [ValidationFailure] {
        try files(in: outputDirectory, subdirectory: "systemd", suffixes: [".sh"]).compactMap { script in
            let run = try ToolRun.run(URL(fileURLWithPath: "/bin/sh"), ["-n", script.path], logger: logger)
            guard run.status != 0 || !run.lines.isEmpty else { return nil }
            return ValidationFailure(
                validator: "sh -n", file: script.path, message: run.output.trimmingCharacters(in: .newlines))
        }
    }

    /// Builds the scratch root: the host's own units (so After=/Wants= targets resolve), ours,
    /// and stand-ins for the binaries they start.
    func prepareRoot(_ root: URL, unitDirectory: URL, units: [URL]) throws {
        let fileManager = FileManager.default
        let systemUnits = ["/usr/lib/systemd/system", "/lib/systemd/system"].first {
            fileManager.fileExists(atPath: $0)
        }
        let libDirectory = root.appendingPathComponent("usr/lib/systemd", isDirectory: true)
        try fileManager.createDirectory(at: libDirectory, withIntermediateDirectories: true)
        if let systemUnits {
            try fileManager.copyItem(
                at: URL(fileURLWithPath: systemUnits), to: libDirectory.appendingPathComponent("system"))
        }
        try fileManager.createDirectory(at: unitDirectory, withIntermediateDirectories: true)
        for unit in units {
            try fileManager.copyItem(at: unit, to: unitDirectory.appendingPathComponent(unit.lastPathComponent))
            let text = try String(contentsOf: unit, encoding: .utf8)
            for binary in Self.executables(in: text) {
                let stub = root.appendingPathComponent(String(binary.dropFirst()))
                guard !fileManager.fileExists(atPath: stub.path) else { continue }
                try fileManager.createDirectory(
                    at: stub.deletingLastPathComponent(), withIntermediateDirectories: true)
                guard fileManager.createFile(
                    atPath: stub.path, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
                else {
                    throw ValidatorError.toolFailed(
                        command: "create \(stub.path)", status: -1, output: "cannot create a stand-in for \(binary)")
                }
            }
        }
    }

    /// Absolute program paths of the Exec*= lines, without systemd's prefixes (`-`, `@`, `+`, `!`, `:`).
    static func executables(in unitText: String) -> [String] {
        unitText.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, execKeys.contains(parts[0].trimmingCharacters(in: .whitespaces)) else {
                return nil
            }
            let command = parts[1].trimmingCharacters(in: .whitespaces).drop { "-@+!:".contains($0) }
            guard let program = command.split(separator: " ").first, program.hasPrefix("/") else { return nil }
            return String(program)
        }
    }
}
