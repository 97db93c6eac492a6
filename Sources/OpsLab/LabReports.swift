/// What `lab status` found.
public struct LabStatus: Sendable {
    /// False when no lab has been brought up (or it was brought down).
    public var exists: Bool
    public var network: LabNetwork?
    public var inventoryDirectory: String?
    public var hosts: [LabHostStatus]

    public var isUp: Bool { exists && !hosts.isEmpty && hosts.allSatisfy(\.isHealthy) }
    public var totalMemoryKilobytes: Int { hosts.compactMap(\.memoryKilobytes).reduce(0, +) }
}

/// What `lab up` did and how long each part took.
public struct LabUpReport: Sendable {
    /// True when the lab was already running and nothing was changed.
    public var alreadyRunning: Bool
    public var status: LabStatus
    /// Seconds spent on debootstrap; 0 when the cached base was used.
    public var baseBuildSeconds: Double
    /// Seconds spent building the local apt repository; 0 when cached.
    public var aptRepositorySeconds: Double
    /// Seconds from starting the containers to every sshd answering.
    public var bootSeconds: Double
    public var totalSeconds: Double
}

/// What `lab down` removed.
public struct LabDownReport: Sendable {
    public var stoppedContainers: [String]
    public var removedNamespaces: [String]
    public var seconds: Double
}
