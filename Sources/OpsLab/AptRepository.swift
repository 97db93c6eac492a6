import Foundation
import Logging

/// The local apt repository the hosts install from (they have no route out): built on the
/// control node with its own apt state against the base's dpkg status, cached like the base,
/// bind-mounted read-only into every host.
struct AptRepository {
    var recipe: AptRepositoryRecipe
    var base: BaseRecipe
    var paths: LabPaths
    var runner: CommandRunner
    var logger: Logger

    var directory: String { paths.aptRepositoryDirectory(hash: recipe.hash(base: base)) }
    private var completeMarker: String { directory + "/.opsctl-apt-complete" }

    /// Builds the repository unless it is cached; returns the seconds spent (0 when cached).
    func ensure(baseDirectory: String) throws -> Double {
        if FileSystem.exists(completeMarker) {
            logger.info("apt repository cached: \(directory)")
            return 0
        }
        let started = Date()
        let partial = directory + ".partial"
        if FileSystem.exists(partial) {
            ProcessTable.killProcesses(using: partial)
            try runner.run(LabCommands.removeTree(partial))
        }
        logger.info(
            "building the local apt repository (\(recipe.packages.count) packages and dependencies): \(directory)")
        let work = partial + "/.apt"
        let archives = partial
        for directory in [
            work + "/etc/sources.list.d", work + "/etc/preferences.d", work + "/etc/apt.conf.d",
            work + "/state/lists/partial", work + "/cache", work + "/log", archives + "/partial",
        ] {
            try FileSystem.makeDirectory(directory)
        }
        try FileSystem.write(
            "deb [signed-by=\(base.keyring)] \(base.mirror) \(base.suite) main\n",
            to: work + "/etc/sources.list")
        let configuration = work + "/apt.conf"
        try FileSystem.write(
            Self.aptConfiguration(work: work, archives: archives, dpkgStatus: baseDirectory + "/var/lib/dpkg/status"),
            to: configuration)

        try runner.run(LabCommands.aptUpdate(configuration: configuration))
        try runner.run(LabCommands.aptDownload(recipe.packages, configuration: configuration))
        let index = try runner.run(LabCommands.scanPackages(in: archives)).stdout
        try FileSystem.write(index, to: archives + "/Packages")
        let checksum =
            try runner.run(LabCommands.sha256(archives + "/Packages")).stdoutText
            .split(separator: " ").first.map(String.init) ?? ""
        try FileSystem.write(
            Self.release(packagesSHA256: checksum, packagesSize: index.count), to: archives + "/Release")
        FileSystem.remove(archives + "/partial")
        FileSystem.remove(archives + "/lock")
        try runner.run(LabCommands.removeTree(work))
        try FileSystem.write(recipe.packages.joined(separator: "\n") + "\n", to: partial + "/.opsctl-apt-complete")
        do {
            try FileManager.default.moveItem(atPath: partial, toPath: directory)
        } catch {
            throw LabError.io(operation: "renaming", path: partial, reason: "\(error)")
        }
        try removeOtherRepositories()
        let seconds = Date().timeIntervalSince(started)
        let count = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
            $0.hasSuffix(".deb")
        }.count
        logger.info("apt repository built in \(String(format: "%.1f", seconds)) s: \(count) packages")
        return seconds
    }

    /// A Release file naming the index, so hosts fetch `Packages` at once instead of probing for
    /// compressed and signed variants first. Unsigned: the hosts trust the repository
    /// (`[trusted=yes]`), which only the control node can write.
    static func release(packagesSHA256: String, packagesSize: Int, date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'UTC'"
        return """
            Origin: opsctl-lab
            Label: opsctl-lab
            Suite: lab
            Codename: lab
            Date: \(formatter.string(from: date))
            Architectures: amd64 all
            Description: packages for the opsctl lab's hosts, which have no route out
            SHA256:
             \(packagesSHA256) \(packagesSize) Packages

            """
    }

    /// Everything apt reads and writes points into `work`, except the dpkg status, which is the
    /// base's: apt then downloads exactly what a fresh host lacks. The control node's own apt
    /// configuration and state are never read or touched.
    static func aptConfiguration(work: String, archives: String, dpkgStatus: String) -> String {
        """
        Dir::Etc "\(work)/etc";
        Dir::State "\(work)/state";
        Dir::State::status "\(dpkgStatus)";
        Dir::Cache "\(work)/cache";
        Dir::Cache::archives "\(archives)";
        Dir::Log "\(work)/log";
        APT::Install-Recommends "false";
        APT::Get::Download-Only "true";

        """
    }

    private func removeOtherRepositories() throws {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: paths.stateDirectory)) ?? []
        where entry.hasPrefix("apt-") {
            let path = paths.stateDirectory + "/" + entry
            if path != directory {
                logger.info("removing the apt repository of an older recipe: \(path)")
                try runner.run(LabCommands.removeTree(path))
            }
        }
    }
}
