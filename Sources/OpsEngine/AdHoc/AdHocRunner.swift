import Foundation
import Jinja
import Logging
import OpsCore
import OpsTransport

/// `opsctl run` and `opsctl ping`: one shell command on every matching host, in parallel.
public final class AdHocRunner {
    public struct Outcome: Sendable {
        public var host: String
        public var status: HostStatus
        public var result: CommandResult?
        /// Why the host failed or was unreachable, host and command included.
        public var message: String?
    }

    public struct Summary: Sendable {
        public var outcomes: [Outcome]
        public func count(_ status: HostStatus) -> Int { outcomes.filter { $0.status == status }.count }
        /// 0 all well, 2 a command failed, 4 a host unreachable and none failed (as `opsctl play`).
        public var exitCode: Int32 {
            if count(.failed) > 0 { return 2 }
            if count(.unreachable) > 0 { return 4 }
            return 0
        }
    }

    private let inventory: Inventory
    private let pool: ConnectionPool
    private let connections: HostConnections
    private let logger: Logger

    public init(inventory: Inventory, pool: ConnectionPool, overrides: ConnectionOverrides, logger: Logger) {
        self.inventory = inventory
        self.pool = pool
        self.connections = HostConnections(
            inventory: inventory, templar: Templar(environment: Jinja.Environment()), overrides: overrides)
        self.logger = logger
    }

    /// The hosts a pattern selects, or an error listing what exists when it selects none.
    public func hosts(matching pattern: HostPattern) throws -> [String] {
        let hosts = try pattern.hosts(in: inventory)
        guard !hosts.isEmpty else {
            let names = inventory.groupNames.filter { $0 != "ungrouped" } + inventory.hosts.map(\.name)
            let hint = Suggestion.closest(to: pattern.text, in: names).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw InputError(
                "host pattern \"\(pattern.text)\" matches no host\(hint); groups: "
                    + inventory.groupNames.filter { $0 != "ungrouped" }.joined(separator: ", "))
        }
        return hosts
    }

    /// Resolves every host's connection before any is contacted, so a bad variable on one host
    /// stops the run before it touches the others.
    public func settings(for hosts: [String]) throws -> [String: ConnectionSettings] {
        var result: [String: ConnectionSettings] = [:]
        for h in hosts { result[h] = try connections.settings(for: h) }
        return result
    }

    /// - Parameter become: run as another user through sudo (`--become`); the password, if any,
    ///   goes to sudo's prompt only.
    public func run(
        command: String, on hosts: [String], forks: Int, timeout: Double?, become: Become? = nil,
        printer: HostOutputPrinter?
    ) throws -> Summary {
        let settings = try settings(for: hosts)
        let outcomes = ParallelHosts.run(hosts, forks: forks) { host -> Outcome in
            var request = ExecRequest(
                command, timeout: timeout ?? settings[host]!.commandTimeout,
                onStdout: printer.map { p in { p.output(host, $0) } },
                onStderr: printer.map { p in { p.output(host, $0, isError: true) } })
            if let become { request = become.wrap(request) }
            defer { printer?.finish(host) }
            do {
                let transport = try self.pool.transport(for: settings[host]!)
                let result = try transport.exec(request)
                let ok = result.exitStatus == 0
                let why = ok ? nil : (result.exitSignal.map { "killed by signal \($0)" } ?? "rc=\(result.exitStatus)")
                return Outcome(
                    host: host, status: ok ? .ok : .failed, result: result,
                    message: why.map { "\(host): command failed (\($0)): \(command)" })
            } catch let error as TransportError {
                if error.isUnreachable { self.pool.discard(host) }
                return Outcome(host: host, status: error.isUnreachable ? .unreachable : .failed, result: nil,
                    message: error.description)
            } catch {
                self.pool.discard(host)
                return Outcome(host: host, status: .unreachable, result: nil, message: "\(host): \(error)")
            }
        }
        return Summary(outcomes: outcomes)
    }
}
