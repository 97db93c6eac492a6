import Foundation
import Logging

/// The debootstrapped Debian every host boots from, cached under `base-<recipe hash>`.
struct BaseImage {
    var recipe: BaseRecipe
    var paths: LabPaths
    var runner: CommandRunner
    var logger: Logger

    var directory: String { paths.baseDirectory(hash: recipe.hash) }
    private var completeMarker: String { directory + "/.opsctl-base-complete" }

    var isBuilt: Bool { FileSystem.exists(completeMarker) }

    /// Builds the base unless this recipe's is already there; removes bases of older recipes.
    /// Returns the seconds spent building (0 when cached).
    func ensure() throws -> Double {
        if isBuilt {
            logger.info("base image cached: \(directory)")
            return 0
        }
        let started = Date()
        let partial = directory + ".partial"
        try removeTree(partial)
        logger.info("building the base image (debootstrap \(recipe.suite), about a minute): \(directory)")
        try runner.run(LabCommands.debootstrap(recipe, into: partial))
        try customize(partial)
        try FileSystem.write("\(recipe.fingerprintText)\n", to: partial + "/.opsctl-base-complete")
        do {
            try FileManager.default.moveItem(atPath: partial, toPath: directory)
        } catch {
            throw LabError.io(operation: "renaming", path: partial, reason: "\(error)")
        }
        try removeOtherBases()
        let seconds = Date().timeIntervalSince(started)
        logger.info("base image built in \(String(format: "%.1f", seconds)) s")
        return seconds
    }

    /// What every host shares: the sudo user, sshd settings, apt pointed at the local repository,
    /// no network-bound timers. Host keys and machine-id are removed: each host gets its own.
    private func customize(_ root: String) throws {
        let sshDirectory = root + "/etc/ssh"
        for file in (try? FileManager.default.contentsOfDirectory(atPath: sshDirectory)) ?? []
        where file.hasPrefix("ssh_host_") {
            FileSystem.remove(sshDirectory + "/" + file)
        }
        try FileSystem.write("", to: root + "/etc/machine-id", mode: 0o444)
        try runner.run(LabCommands.addSudoUser(recipe, root: root))
        try FileSystem.write(recipe.sshdConfig, to: root + "/etc/ssh/sshd_config.d/opsctl-lab.conf")

        FileSystem.remove(root + "/etc/apt/sources.list")
        try FileSystem.write(recipe.aptSources, to: root + "/etc/apt/sources.list.d/opsctl-lab.list")
        try FileSystem.write(recipe.aptConfiguration, to: root + "/etc/apt/apt.conf.d/99opsctl-lab")
        try FileSystem.makeDirectory(root + recipe.aptRepositoryMountPoint)
        for cached in (try? FileManager.default.contentsOfDirectory(atPath: root + "/var/lib/apt/lists")) ?? []
        where cached != "partial" && cached != "lock" {
            FileSystem.remove(root + "/var/lib/apt/lists/" + cached)
        }

        let units = root + "/etc/systemd/system"
        try FileSystem.write(recipe.aptUpdateUnit, to: units + "/" + BaseRecipe.aptUpdateUnitName)
        try FileSystem.makeDirectory(units + "/multi-user.target.wants")
        do {
            try FileManager.default.createSymbolicLink(
                atPath: units + "/multi-user.target.wants/" + BaseRecipe.aptUpdateUnitName,
                withDestinationPath: "/etc/systemd/system/" + BaseRecipe.aptUpdateUnitName)
        } catch {
            throw LabError.io(operation: "enabling", path: BaseRecipe.aptUpdateUnitName, reason: "\(error)")
        }
        for unit in recipe.maskedUnits {
            for wants in (try? FileManager.default.contentsOfDirectory(atPath: units)) ?? []
            where wants.hasSuffix(".wants") {
                FileSystem.remove(units + "/" + wants + "/" + unit)
            }
            FileSystem.remove(units + "/" + unit)
            do {
                try FileManager.default.createSymbolicLink(atPath: units + "/" + unit, withDestinationPath: "/dev/null")
            } catch {
                throw LabError.io(operation: "masking unit in", path: units + "/" + unit, reason: "\(error)")
            }
        }
    }

    private func removeOtherBases() throws {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: paths.stateDirectory)) ?? []
        for entry in entries where entry.hasPrefix("base-") {
            let path = paths.stateDirectory + "/" + entry
            if path != directory {
                logger.info("removing the base image of an older recipe: \(path)")
                try removeTree(path)
            }
        }
    }

    /// A debootstrap killed half-way leaves /proc and /sys mounted inside its target.
    func removeTree(_ path: String) throws {
        guard FileSystem.exists(path) else { return }
        ProcessTable.killProcesses(using: path)
        for mount in FileSystem.mounts(under: path) {
            _ = try runner.runAllowingFailure(LabCommands.unmount(mount, lazy: true))
        }
        try runner.run(LabCommands.removeTree(path))
    }
}
