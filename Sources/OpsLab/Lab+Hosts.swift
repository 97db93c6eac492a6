import Foundation

extension Lab {
    /// Lab key, sudo password hash, each host's upper layer, then the inventory that names them.
    func prepareHosts(_ state: LabState, base: String) throws {
        try FileSystem.makeDirectory(paths.inventoryDirectory + "/group_vars")
        FileSystem.remove(paths.privateKey)
        FileSystem.remove(paths.publicKey)
        try runner.run(LabCommands.generateLabKey(path: paths.privateKey))
        let labPublicKey = try FileSystem.read(paths.publicKey).trimmingCharacters(in: .whitespacesAndNewlines)
        let passwordHash = try runner.run(LabCommands.hashPassword(state.sudoPassword)).stdoutText
            .trimmingCharacters(in: .whitespacesAndNewlines)

        let results = ResultsBox<[String]>(count: state.hosts.count)
        // ssh-keygen dominates; hosts are independent.
        DispatchQueue.concurrentPerform(iterations: state.hosts.count) { index in
            let image = HostImage(
                host: state.hosts[index], allHosts: state.hosts, network: state.network, base: base, paths: paths,
                recipe: recipe, runner: runner)
            results.set(index, Result { try image.prepare(labPublicKey: labPublicKey, sudoPasswordHash: passwordHash) })
        }
        var keys: [(host: LabHost, keys: [String])] = []
        for (index, host) in state.hosts.enumerated() {
            keys.append((host, try results.get(index)))
        }

        let inventory = LabInventory(
            hosts: state.hosts, privateKeyPath: absolute(paths.privateKey), knownHostsPath: absolute(paths.knownHosts),
            sudoUser: recipe.sudoUser, sudoPassword: state.sudoPassword,
            databasePassword: HostImage.randomPassword(), apiKey: "lab-" + HostImage.randomPassword(length: 32),
            controlAddress: state.network.bridgeAddress)
        try FileSystem.write(inventory.hostsYAML, to: paths.hostsFile)
        try FileSystem.write(inventory.groupVarsYAML, to: paths.groupVarsFile, mode: 0o600)
        try FileSystem.write(LabInventory.knownHosts(keys), to: paths.knownHosts)
        logger.info("inventory written: \(paths.inventoryDirectory)")
    }

    func startContainers(_ state: LabState, base: String) throws {
        guard let nspawn = runner.which("systemd-nspawn") else {
            throw LabError.missingTool(tool: "systemd-nspawn", package: "systemd-container")
        }
        for host in state.hosts {
            let command = LabCommands.boot(
                host, base: base, paths: paths, aptRepository: state.aptRepository, recipe: recipe)
            let log = paths.consoleLog(host.name)
            // The previous boot's console stays next to it: a failed shutdown is diagnosed after it.
            FileSystem.remove(log + ".1")
            try? FileManager.default.moveItem(atPath: log, toPath: log + ".1")
            try FileSystem.write("", to: log)
            logger.debug("$ \(command.description) >\(log) 2>&1 &")
            let pid = try BackgroundProcess.start(command, executable: nspawn, logFile: log)
            try FileSystem.write("\(pid)\n", to: paths.pidFile(host.name))
        }
    }

    /// Polls every host's port 22 until each answers with an SSH banner; a container that exits
    /// meanwhile fails at once with its console output.
    func waitForSSH(_ state: LabState) throws {
        let deadline = Date().addingTimeInterval(bootTimeout)
        var waiting = state.hosts
        while !waiting.isEmpty {
            ProcessTable.reapChildren()
            for host in waiting {
                let pid = ProcessTable.readPIDFile(paths.pidFile(host.name))
                if pid.map(ProcessTable.isRunning) != true {
                    throw LabError.hostDidNotBoot(
                        host: host.name, reason: "systemd-nspawn exited", logPath: paths.consoleLog(host.name),
                        log: FileSystem.tail(of: paths.consoleLog(host.name), lines: 20))
                }
            }
            let answered = ResultsBox<Bool>(count: waiting.count)
            let candidates = waiting
            DispatchQueue.concurrentPerform(iterations: candidates.count) { index in
                answered.set(index, .success(SSHProbe.banner(address: candidates[index].address, timeout: 1) != nil))
            }
            waiting = candidates.enumerated().filter { (try? answered.get($0.offset)) != true }.map(\.element)
            if waiting.isEmpty { break }
            if Date() > deadline {
                let host = waiting[0]
                throw LabError.hostDidNotBoot(
                    host: host.name, reason: "sshd did not answer on \(host.address):22 within \(Int(bootTimeout)) s",
                    logPath: paths.consoleLog(host.name),
                    log: FileSystem.tail(of: paths.consoleLog(host.name), lines: 20))
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    func status(of state: LabState) -> LabStatus {
        ProcessTable.reapChildren()
        let running = ProcessTable.labContainers(hostsDirectory: paths.hostsDirectory)
        let statuses = ResultsBox<LabHostStatus>(count: state.hosts.count)
        DispatchQueue.concurrentPerform(iterations: state.hosts.count) { index in
            let host = state.hosts[index]
            let pid = running.first(where: { $0.value == host.name })?.key
            let banner = pid == nil ? nil : SSHProbe.banner(address: host.address, timeout: 1)
            let memory = pid == nil ? nil : namespaceMemory(host.namespace)
            statuses.set(
                index, .success(LabHostStatus(host: host, pid: pid, sshBanner: banner, memoryKilobytes: memory)))
        }
        let hosts = (0..<state.hosts.count).compactMap { try? statuses.get($0) }
        return LabStatus(
            exists: true, network: state.network, inventoryDirectory: state.inventoryDirectory, hosts: hosts)
    }

    /// Sum of the proportional set size of the processes in a namespace: shared pages (the
    /// common base's libraries) are split between the hosts instead of counted once per host.
    func namespaceMemory(_ namespace: String) -> Int? {
        guard let output = try? runner.runAllowingFailure(LabCommands.namespacePIDs(namespace)), output.status == 0
        else { return nil }
        let pids = output.stdoutText.split(whereSeparator: \.isNewline).compactMap { Int32($0) }
        return pids.compactMap(ProcessTable.proportionalKilobytes).reduce(0, +)
    }

    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: path).standardizedFileURL.path
    }
}

/// Results of a `concurrentPerform`, one slot per iteration.
final class ResultsBox<Value>: @unchecked Sendable {
    private var results: [Result<Value, Error>?]
    private let lock = NSLock()

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<Value, Error>) {
        lock.lock()
        results[index] = result
        lock.unlock()
    }

    func get(_ index: Int) throws -> Value {
        lock.lock()
        let result = results[index]
        lock.unlock()
        guard let result else { throw LabError.invalidOption("internal: no result for slot \(index)") }
        return try result.get()
    }
}
