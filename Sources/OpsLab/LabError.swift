import Foundation

/// Everything that can stop `opsctl lab`. Each message says what failed, where, and what to do.
public enum LabError: Error, CustomStringConvertible, Equatable {
    case notLinux
    case notRoot
    case missingTool(tool: String, package: String)
    case missingFile(path: String, package: String)
    case invalidHostList(String)
    case invalidOption(String)
    /// A command the lab ran exited non-zero; `output` is the tail of its stderr (or stdout).
    case commandFailed(command: String, status: Int32, output: String)
    case io(operation: String, path: String, reason: String)
    /// The lab's subnet is already routed on this machine by something else.
    case subnetInUse(subnet: String, route: String)
    /// A container exited or its sshd never answered; `log` is the tail of its console log.
    case hostDidNotBoot(host: String, reason: String, logPath: String, log: String)
    /// A lab with other hosts is running; `up` refuses to reshape it.
    case differentLabRunning(running: [String], requested: [String])
    case repositoryNotFound(searchedFrom: String)

    public var description: String {
        switch self {
        case .notLinux:
            return "opsctl lab needs Linux (systemd-nspawn and network namespaces); this is not Linux"
        case .notRoot:
            return "opsctl lab must run as root (it creates network namespaces and containers); "
                + "run it with sudo"
        case .missingTool(let tool, let package):
            return "`\(tool)` was not found in PATH; install it with `apt-get install -y \(package)`"
        case .missingFile(let path, let package):
            return "\(path) is missing; install it with `apt-get install -y \(package)`"
        case .invalidHostList(let reason):
            return "invalid --hosts: \(reason)"
        case .invalidOption(let reason):
            return reason
        case .commandFailed(let command, let status, let output):
            let detail = output.isEmpty ? "" : ":\n\(output)"
            return "command failed with exit status \(status): \(command)\(detail)"
        case .io(let operation, let path, let reason):
            return "\(operation) \(path) failed: \(reason)"
        case .subnetInUse(let subnet, let route):
            return "the lab subnet \(subnet) is already routed on this machine (`\(route)`); "
                + "pick another with --subnet"
        case .hostDidNotBoot(let host, let reason, let logPath, let log):
            return "lab host \(host) did not come up: \(reason)\nlast lines of its console (\(logPath)):\n\(log)"
        case .differentLabRunning(let running, let requested):
            return "a lab with hosts \(running.joined(separator: ",")) is running; "
                + "it was asked for \(requested.joined(separator: ",")): run `opsctl lab down` first"
        case .repositoryNotFound(let start):
            return "cannot find the opsctl repository (a Package.swift declaring `opsctl`) "
                + "from \(start) upwards; pass --inventory-dir"
        }
    }
}
