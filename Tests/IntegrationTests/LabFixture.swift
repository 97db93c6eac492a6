import Foundation
import XCTest
import Yams

/// The lab brought up by the test script (`opsctl lab up`), found through OPSCTL_LAB_INVENTORY
/// (its inventory directory, or its hosts.yml). Missing: skipped locally, a failure in CI.
struct LabFixture {
    var directory: String
    /// Host name → address, in inventory order.
    var hosts: [(name: String, address: String)]
    /// Group name → member host names.
    var groups: [String: [String]]
    var vars: [String: Any]

    static func load(file: StaticString = #filePath, line: UInt = #line) throws -> LabFixture {
        let environment = ProcessInfo.processInfo.environment
        guard var path = environment["OPSCTL_LAB_INVENTORY"], !path.isEmpty else {
            let reason =
                "OPSCTL_LAB_INVENTORY is not set: bring the lab up (`opsctl lab up`) and pass its "
                + "inventory directory (inventories/lab)"
            if environment["CI"] == "true" {
                XCTFail(reason, file: file, line: line)
                throw LabFixtureError.missing(reason)
            }
            throw XCTSkip(reason)
        }
        if path.hasSuffix(".yml") { path = (path as NSString).deletingLastPathComponent }
        let hostsFile = path + "/hosts.yml"
        let varsFile = path + "/group_vars/all.yml"
        guard let root = try Yams.load(yaml: String(contentsOfFile: hostsFile, encoding: .utf8)) as? [String: Any],
            let all = root["all"] as? [String: Any], let hostMap = all["hosts"] as? [String: Any]
        else { throw LabFixtureError.malformed("\(hostsFile) has no all.hosts mapping") }
        // Yams loses mapping order; the addresses give it back (hosts are numbered in list order).
        var hosts: [(String, String)] = []
        for (name, value) in hostMap {
            guard let vars = value as? [String: Any], let address = vars["ansible_host"] as? String else {
                throw LabFixtureError.malformed("\(hostsFile): host \(name) has no ansible_host")
            }
            hosts.append((name, address))
        }
        hosts.sort { lastOctet($0.1) < lastOctet($1.1) }
        var groups: [String: [String]] = [:]
        for (group, value) in (all["children"] as? [String: Any]) ?? [:] {
            let members = ((value as? [String: Any])?["hosts"] as? [String: Any])?.keys.sorted() ?? []
            groups[group] = members
        }
        guard let vars = try Yams.load(yaml: String(contentsOfFile: varsFile, encoding: .utf8)) as? [String: Any] else {
            throw LabFixtureError.malformed("\(varsFile) is not a mapping")
        }
        return LabFixture(directory: path, hosts: hosts, groups: groups, vars: vars)
    }

    static func lastOctet(_ address: String) -> Int { Int(address.split(separator: ".").last ?? "") ?? 0 }

    func string(_ key: String) throws -> String {
        guard let value = vars[key] as? String else {
            throw LabFixtureError.malformed("group_vars/all.yml has no string `\(key)`")
        }
        return value
    }

    /// `host type base64` entries of the lab's known_hosts.
    func knownHostEntries() throws -> [(pattern: String, key: String)] {
        try String(contentsOfFile: string("opsctl_known_hosts_file"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).compactMap { line in
                let fields = line.split(separator: " ")
                guard fields.count >= 3, !line.hasPrefix("#") else { return nil }
                return (String(fields[0]), "\(fields[1]) \(fields[2])")
            }
    }

    /// Runs a command on a lab host with OpenSSH, strict about the lab's known_hosts.
    func ssh(_ user: String, _ address: String, _ command: String, stdin: String? = nil) throws -> Run {
        try Run.program(
            "/usr/bin/ssh",
            [
                "-i", string("ansible_ssh_private_key_file"), "-o",
                "UserKnownHostsFile=" + string("opsctl_known_hosts_file"),
                "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
                "\(user)@\(address)", command,
            ], stdin: stdin)
    }
}

enum LabFixtureError: Error {
    case missing(String)
    case malformed(String)
}

/// A finished local program.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String

    static func program(_ path: String, _ arguments: [String], stdin: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data((stdin ?? "").utf8))
        try input.fileHandleForWriting.close()
        let errData = DataReader(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.finish(), as: UTF8.self))
    }
}

/// Reads a pipe to its end on another thread.
final class DataReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        DispatchQueue.global().async {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func finish() -> Data {
        done.wait()
        return data
    }
}
