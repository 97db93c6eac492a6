import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension Lab {
    /// Removes everything a lab (running, half-created, or left by a killed `up`) consists of.
    /// Works from the state file and from what is actually on the machine, so it also finds
    /// containers whose pid file was never written. `hosts`: namespaces of these hosts go too,
    /// even when no state names them (`up` clears the way for the hosts it is about to create).
    func teardown(alsoRemoving hosts: [LabHost] = []) throws -> LabDownReport {
        let state = LabState.load(from: paths.stateFile)
        ProcessTable.reapChildren()

        let containers = ProcessTable.labContainers(hostsDirectory: paths.hostsDirectory)
        if !containers.isEmpty {
            logger.info("stopping \(containers.count) containers")
            stopContainers(containers)
        }

        var ourNamespaces = Set((state?.hosts ?? []).map(\.namespace) + hosts.map(\.namespace))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: paths.hostsDirectory)) ?? [] {
            ourNamespaces.insert(LabHost(name: name, address: "", groups: [], index: 0).namespace)
        }
        var removedNamespaces: [String] = []
        for namespace in try listNamespaces() where ourNamespaces.contains(namespace) {
            killNamespaceProcesses(namespace)
            try runner.run(LabCommands.deleteNamespace(namespace))
            removedNamespaces.append(namespace)
        }

        let bridge = state?.network.bridge ?? LabNetwork().bridge
        for link in try listLinks() where link == bridge || Self.isHostInterface(link) {
            _ = try runner.runAllowingFailure(LabCommands.deleteLink(link))
        }

        for mount in FileSystem.mounts(under: paths.hostsDirectory) {
            _ = try runner.runAllowingFailure(LabCommands.unmount(mount, lazy: true))
        }
        if FileSystem.isMounted(LabCommands.nspawnRuntimeDirectory, source: LabCommands.nspawnRuntimeSource),
            !ProcessTable.anyNspawnRunning()
        {
            _ = try runner.runAllowingFailure(LabCommands.unmount(LabCommands.nspawnRuntimeDirectory))
        }
        try removeHostDirectories()
        if let state {
            let inventory = LabPaths(stateDirectory: paths.stateDirectory, inventoryDirectory: state.inventoryDirectory)
            for file in inventory.generatedInventoryFiles { FileSystem.remove(file) }
            // Only if empty: a user's own group_vars files stay.
            _ = rmdir(state.inventoryDirectory + "/group_vars")
            FileSystem.remove(paths.stateFile)
        }
        let stopped = containers.values.sorted()
        if state != nil || !containers.isEmpty || !removedNamespaces.isEmpty {
            logger.info(
                "lab removed: \(stopped.count) containers stopped, \(removedNamespaces.count) namespaces deleted")
        }
        return LabDownReport(stoppedContainers: stopped, removedNamespaces: removedNamespaces, seconds: 0)
    }

    /// One `rm` per host, all at once: with ext4's `discard` option, freeing a provisioned host's
    /// packages waits on the disk, and the hosts' waits overlap.
    func removeHostDirectories() throws {
        guard FileSystem.exists(paths.hostsDirectory) else { return }
        let hosts = (try? FileManager.default.contentsOfDirectory(atPath: paths.hostsDirectory)) ?? []
        let results = ResultsBox<Void>(count: hosts.count)
        let group = DispatchGroup()
        // Threads, not the global queue: it adds a thread per second when its threads block.
        for (index, host) in hosts.enumerated() {
            group.enter()
            Thread {
                results.set(
                    index, Result { try self.runner.run(LabCommands.removeTree(self.paths.hostDirectory(host))) })
                group.leave()
            }.start()
        }
        group.wait()
        for index in hosts.indices { try results.get(index) }
        try runner.run(LabCommands.removeTree(paths.hostsDirectory))
    }

    /// SIGTERM asks nspawn for an orderly poweroff of the container; whatever is still there
    /// after `stopTimeout` is killed, container processes first (they live in the host's
    /// namespace and would otherwise outlive nspawn).
    func stopContainers(_ containers: [Int32: String]) {
        for pid in containers.keys { kill(pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(stopTimeout)
        while Date() < deadline {
            ProcessTable.reapChildren()
            if !containers.keys.contains(where: ProcessTable.isRunning) { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        for (pid, machine) in containers where ProcessTable.isRunning(pid) {
            logger.warning("container \(machine) did not power off within \(Int(stopTimeout)) s; killing it")
            killNamespaceProcesses(LabHost(name: machine, address: "", groups: [], index: 0).namespace)
            kill(pid, SIGKILL)
        }
        ProcessTable.reapChildren()
    }

    /// A namespace cannot be freed while processes live in it.
    func killNamespaceProcesses(_ namespace: String) {
        guard let output = try? runner.runAllowingFailure(LabCommands.namespacePIDs(namespace)), output.status == 0
        else { return }
        let pids = output.stdoutText.split(whereSeparator: \.isNewline).compactMap { Int32($0) }
        guard !pids.isEmpty else { return }
        logger.debug("killing \(pids.count) processes left in \(namespace)")
        for pid in pids { kill(pid, SIGKILL) }
        let deadline = Date().addingTimeInterval(5)
        while pids.contains(where: ProcessTable.isRunning), Date() < deadline {
            ProcessTable.reapChildren()
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// `opsv<octet>`: the root-namespace end of a lab host's veth pair.
    static func isHostInterface(_ name: String) -> Bool {
        name.hasPrefix("opsv") && name.count > 4 && name.dropFirst(4).allSatisfy(\.isNumber)
    }
}
