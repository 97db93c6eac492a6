/// Which hosts the lab has and their addresses. Pure: validates and plans, changes nothing.
public struct LabTopology: Sendable, Equatable {
    public static let defaultHostNames = ["lb1", "app1", "app2", "app3", "db1", "backup1"]
    /// The inventory groups, in the order they are written.
    public static let groupNames = ["lb", "app", "db", "backup", "monitoring"]
    /// Addresses are given from .11 up; .1 is the bridge, the rest stays free for other uses.
    public static let firstHostOctet = 11
    static let maximumHosts = 254 - firstHostOctet + 1

    public var network: LabNetwork
    public var hosts: [LabHost]

    public init(hostNames: [String] = LabTopology.defaultHostNames, network: LabNetwork = LabNetwork()) throws {
        guard !hostNames.isEmpty else { throw LabError.invalidHostList("no hosts given") }
        guard hostNames.count <= LabTopology.maximumHosts else {
            throw LabError.invalidHostList(
                "\(hostNames.count) hosts asked for; the lab subnet holds at most \(LabTopology.maximumHosts)")
        }
        var seen = Set<String>()
        var hosts: [LabHost] = []
        for (position, name) in hostNames.enumerated() {
            try LabTopology.validate(name: name)
            guard seen.insert(name).inserted else {
                throw LabError.invalidHostList("`\(name)` is listed twice")
            }
            let octet = LabTopology.firstHostOctet + position
            hosts.append(
                LabHost(
                    name: name, address: network.address(octet), groups: LabTopology.groups(for: name), index: octet))
        }
        self.network = network
        self.hosts = hosts
    }

    /// Parses `--hosts lb1,app1,app2`.
    public init(hostList: String, network: LabNetwork = LabNetwork()) throws {
        let names = hostList.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if let empty = names.firstIndex(of: "") {
            throw LabError.invalidHostList("empty name at position \(empty + 1) of `\(hostList)`")
        }
        try self.init(hostNames: names, network: network)
    }

    public var hostNames: [String] { hosts.map(\.name) }

    /// Host names become hostnames, machine names, namespace names and file names: keep them to
    /// what all of these accept.
    static func validate(name: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        guard let first = name.first, first.isLetter, first.isLowercase else {
            throw LabError.invalidHostList("`\(name)` must start with a lowercase letter")
        }
        guard name.count <= 32 else {
            throw LabError.invalidHostList("`\(name)` is longer than 32 characters")
        }
        if let bad = name.first(where: { !allowed.contains($0) }) {
            throw LabError.invalidHostList(
                "`\(name)` contains `\(bad)`; use lowercase letters, digits and `-` (e.g. app4)")
        }
        guard !name.hasSuffix("-") else {
            throw LabError.invalidHostList("`\(name)` must not end with `-`")
        }
    }

    /// `lb*` hosts are load balancers and also carry monitoring; others by their prefix.
    static func groups(for name: String) -> [String] {
        let prefix = String(name.prefix(while: { $0.isLetter }))
        switch prefix {
        case "lb": return ["lb", "monitoring"]
        case "app": return ["app"]
        case "db": return ["db"]
        case "backup": return ["backup"]
        case "monitoring", "mon": return ["monitoring"]
        default: return []
        }
    }
}
