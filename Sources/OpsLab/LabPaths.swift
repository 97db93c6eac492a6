import Foundation

/// Where the lab keeps its files. The state directory survives `down` (the cached base and the
/// console logs); per-host directories and the generated inventory do not.
public struct LabPaths: Sendable, Equatable {
    public var stateDirectory: String
    public var inventoryDirectory: String

    public static let defaultStateDirectory = "/var/lib/opsctl/lab"

    public init(stateDirectory: String = LabPaths.defaultStateDirectory, inventoryDirectory: String) {
        self.stateDirectory = stateDirectory
        self.inventoryDirectory = inventoryDirectory
    }

    /// The lab's record of what it created (hosts, addresses, password): the basis of `status`,
    /// `down`, and of cleaning up after a killed run.
    public var stateFile: String { stateDirectory + "/lab.json" }
    public var hostsDirectory: String { stateDirectory + "/hosts" }
    public var logsDirectory: String { stateDirectory + "/logs" }
    public func baseDirectory(hash: String) -> String { stateDirectory + "/base-" + hash }
    public func aptRepositoryDirectory(hash: String) -> String { stateDirectory + "/apt-" + hash }

    public func hostDirectory(_ name: String) -> String { hostsDirectory + "/" + name }
    /// The overlay's upper layer: everything the host changes, and what it is given before boot.
    public func upperDirectory(_ name: String) -> String { hostDirectory(name) + "/upper" }
    /// What `systemd-nspawn -D` points at. nspawn refuses a directory without os-release before it
    /// mounts the overlay over it, so this holds only that file.
    public func rootDirectory(_ name: String) -> String { hostDirectory(name) + "/root" }
    public func pidFile(_ name: String) -> String { hostDirectory(name) + "/nspawn.pid" }
    /// Kept in logs/ so the console of a host that failed can still be read after `down`.
    public func consoleLog(_ name: String) -> String { logsDirectory + "/" + name + ".console.log" }

    public var privateKey: String { inventoryDirectory + "/id_ed25519" }
    public var publicKey: String { privateKey + ".pub" }
    public var knownHosts: String { inventoryDirectory + "/known_hosts" }
    public var hostsFile: String { inventoryDirectory + "/hosts.yml" }
    public var groupVarsFile: String { inventoryDirectory + "/group_vars/all.yml" }

    /// The generated files `down` removes; anything else a user put in the directory stays.
    public var generatedInventoryFiles: [String] {
        [privateKey, publicKey, knownHosts, hostsFile, groupVarsFile]
    }

    /// `inventories/lab` of the opsctl checkout (the directory whose Package.swift declares the
    /// `opsctl` package) that holds `start` (the working directory, then
    /// the executable's location, so `.build/debug/opsctl` finds its own checkout).
    public static func defaultInventoryDirectory(
        startingAt starts: [String] = [FileManager.default.currentDirectoryPath, CommandLine.arguments[0]]
    ) throws -> String {
        for start in starts {
            var url = URL(fileURLWithPath: start).standardizedFileURL
            while url.path != "/" {
                let manifest = url.appendingPathComponent("Package.swift").path
                if let text = try? String(contentsOfFile: manifest, encoding: .utf8),
                    text.range(of: #"Package\(\s*name:\s*"opsctl""#, options: .regularExpression) != nil
                {
                    return url.appendingPathComponent("inventories/lab").path
                }
                url.deleteLastPathComponent()
            }
        }
        throw LabError.repositoryNotFound(searchedFrom: starts.first ?? "/")
    }
}
