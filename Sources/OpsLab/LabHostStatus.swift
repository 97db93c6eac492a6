/// One host as `lab status` sees it.
public struct LabHostStatus: Sendable, Equatable {
    public var host: LabHost
    /// The host's systemd-nspawn process, if it is running.
    public var pid: Int32?
    /// The sshd identification line when sshd answered on port 22.
    public var sshBanner: String?
    /// Proportional set size of every process in the host's namespace, in kB.
    public var memoryKilobytes: Int?

    public var isRunning: Bool { pid != nil }
    public var isSSHAnswering: Bool { sshBanner != nil }
    public var isHealthy: Bool { isRunning && isSSHAnswering }
}
