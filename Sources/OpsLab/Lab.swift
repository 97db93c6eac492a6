import Foundation
import Logging

/// The lab of real hosts: systemd-nspawn containers booting Debian with sshd, each in its own
/// network namespace on a bridge of the control node. Blocking calls; run as root on Linux.
public final class Lab {
    public let paths: LabPaths
    public let recipe: BaseRecipe
    public let aptRecipe: AptRepositoryRecipe
    let logger: Logger
    let runner: CommandRunner
    /// Seconds `up` waits for every sshd to answer before giving up.
    public var bootTimeout: Double = 120
    /// Seconds `down` gives containers to power off before killing them.
    public var stopTimeout: Double = 20

    public init(
        paths: LabPaths, recipe: BaseRecipe = BaseRecipe(), aptRecipe: AptRepositoryRecipe = AptRepositoryRecipe(),
        logger: Logger
    ) {
        self.paths = paths
        self.recipe = recipe
        self.aptRecipe = aptRecipe
        self.logger = logger
        self.runner = CommandRunner(logger: logger)
    }

    /// Brings the lab up: `topology` nil means the running lab if there is one, else the default
    /// hosts. A running, healthy lab is reported and left as it is; anything a killed or failed
    /// run left behind is removed first.
    public func up(_ requested: LabTopology?) throws -> LabUpReport {
        let started = Date()
        try LabPreflight.check(tools: LabTool.required, runner: runner)
        guard FileSystem.exists(recipe.keyring) else {
            throw LabError.missingFile(path: recipe.keyring, package: "debian-archive-keyring")
        }
        let lock = try lock()
        defer { withExtendedLifetime(lock) {} }

        if let state = LabState.load(from: paths.stateFile) {
            let current = status(of: state)
            if current.isUp {
                if let requested, requested.hostNames != state.hosts.map(\.name) || requested.network != state.network {
                    throw LabError.differentLabRunning(
                        running: state.hosts.map(\.name), requested: requested.hostNames)
                }
                logger.info("lab already up with \(state.hosts.count) hosts; nothing changed")
                if state.inventoryDirectory != paths.inventoryDirectory {
                    logger.notice("its inventory is in \(state.inventoryDirectory)")
                }
                return LabUpReport(
                    alreadyRunning: true, status: current, baseBuildSeconds: 0, aptRepositorySeconds: 0,
                    bootSeconds: 0, totalSeconds: Date().timeIntervalSince(started))
            }
            let broken = current.hosts.filter { !$0.isHealthy }.map(\.host.name)
            // Every container running but some sshd silent: an `up` was interrupted while the
            // hosts booted. Give them the boot timeout before starting over.
            if current.hosts.allSatisfy(\.isRunning),
                requested == nil || requested?.hostNames == state.hosts.map(\.name)
            {
                logger.info("the lab is still booting (\(broken.joined(separator: ", "))); waiting for sshd")
                if (try? waitForSSH(state)) != nil {
                    return LabUpReport(
                        alreadyRunning: true, status: status(of: state), baseBuildSeconds: 0,
                        aptRepositorySeconds: 0, bootSeconds: 0, totalSeconds: Date().timeIntervalSince(started))
                }
            }
            logger.notice("the previous lab is not fully up (\(broken.joined(separator: ", "))); recreating it")
        }
        let topology = try requested ?? LabTopology()
        _ = try teardown(alsoRemoving: topology.hosts)
        try checkSubnetIsFree(topology.network)
        try FileSystem.makeDirectory(paths.logsDirectory, mode: 0o700)
        let base = BaseImage(recipe: recipe, paths: paths, runner: runner, logger: logger)
        let baseSeconds = try base.ensure()
        let repository = AptRepository(
            recipe: aptRecipe, base: recipe, paths: paths, runner: runner, logger: logger)
        let repositorySeconds = try repository.ensure(baseDirectory: base.directory)

        let state = LabState(
            network: topology.network, hosts: topology.hosts, inventoryDirectory: paths.inventoryDirectory,
            baseHash: recipe.hash, aptRepository: repository.directory,
            sudoPassword: HostImage.randomPassword(), createdAt: Date())
        // Saved before anything is created: whatever happens next, `down` knows what to remove.
        try state.save(to: paths.stateFile)
        do {
            try mountNspawnRuntime()
            try createNetwork(topology)
            try prepareHosts(state, base: base.directory)
            let bootStarted = Date()
            try startContainers(state, base: base.directory)
            try waitForSSH(state)
            let bootSeconds = Date().timeIntervalSince(bootStarted)
            logger.info("all \(state.hosts.count) hosts answer SSH after \(String(format: "%.1f", bootSeconds)) s")
            return LabUpReport(
                alreadyRunning: false, status: status(of: state), baseBuildSeconds: baseSeconds,
                aptRepositorySeconds: repositorySeconds, bootSeconds: bootSeconds,
                totalSeconds: Date().timeIntervalSince(started))
        } catch {
            logger.error("lab up failed; removing what it created (console logs stay in \(paths.logsDirectory))")
            _ = try? teardown()
            throw error
        }
    }

    /// Stops every container and removes namespaces, links, mounts, per-host directories and the
    /// generated inventory. The cached base, apt repository and console logs stay.
    public func down() throws -> LabDownReport {
        let started = Date()
        try LabPreflight.check(tools: ["ip", "umount", "rm", "mountpoint"], runner: runner)
        let lock = try lock()
        defer { withExtendedLifetime(lock) {} }
        var report = try teardown()
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    private func lock() throws -> LabLock {
        try FileSystem.makeDirectory(paths.stateDirectory, mode: 0o700)
        return try LabLock(path: paths.stateDirectory + "/lock", logger: logger)
    }

    /// Each host's state; needs root to see the containers, not to change anything.
    public func status() throws -> LabStatus {
        try LabPreflight.check(tools: ["ip"], runner: runner)
        guard let state = LabState.load(from: paths.stateFile) else {
            return LabStatus(exists: false, network: nil, inventoryDirectory: nil, hosts: [])
        }
        return status(of: state)
    }
}
