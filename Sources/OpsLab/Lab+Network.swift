import Foundation

extension Lab {
    func createNetwork(_ topology: LabTopology) throws {
        for command in LabCommands.createNetwork(topology) { try runner.run(command) }
    }

    /// Refuses a subnet that overlaps any IPv4 route already on the machine (run after the old
    /// lab's bridge is gone, so every route left is someone else's).
    func checkSubnetIsFree(_ network: LabNetwork) throws {
        let routes = try runner.run(LabCommands.routes()).stdoutText
        for line in routes.split(whereSeparator: \.isNewline) {
            guard let destination = line.split(separator: " ").first, destination != "default" else { continue }
            if Self.overlaps(String(destination), network.cidr) {
                throw LabError.subnetInUse(subnet: network.cidr, route: String(line))
            }
        }
    }

    /// Whether two IPv4 prefixes (`a.b.c.d/n`, or a bare address as /32) share any address.
    static func overlaps(_ first: String, _ second: String) -> Bool {
        guard let a = parsePrefix(first), let b = parsePrefix(second) else { return false }
        let length = min(a.length, b.length)
        let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << (32 - UInt32(length))
        return a.address & mask == b.address & mask
    }

    private static func parsePrefix(_ text: String) -> (address: UInt32, length: Int)? {
        let parts = text.split(separator: "/")
        let octets = parts[0].split(separator: ".").compactMap { UInt32($0) }
        guard octets.count == 4, octets.allSatisfy({ $0 < 256 }) else { return nil }
        let length = parts.count > 1 ? Int(parts[1]) ?? 32 : 32
        return (octets.reduce(0) { $0 << 8 | $1 }, length)
    }

    /// Names from `ip netns list` ("opsctl-lb1 (id: 3)" → "opsctl-lb1").
    func listNamespaces() throws -> [String] {
        try runner.run(LabCommands.namespaces()).stdoutText.split(whereSeparator: \.isNewline)
            .compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    /// Interface names from `ip -o link show` ("12: opsv11@if2: <...>" → "opsv11").
    func listLinks() throws -> [String] {
        try runner.run(LabCommands.links()).stdoutText.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 1 else { return nil }
            return String(fields[1].split(separator: "@").first ?? "").trimmingCharacters(
                in: CharacterSet(charactersIn: ":"))
        }
    }

    /// Mounts the tmpfs nspawn needs unless something already did. Its source name marks it as
    /// the lab's, so `down` unmounts it even if the `up` that mounted it was killed.
    func mountNspawnRuntime() throws {
        let directory = LabCommands.nspawnRuntimeDirectory
        try FileSystem.makeDirectory(directory)
        if try runner.runAllowingFailure(LabCommands.isMountPoint(directory)).status == 0 { return }
        try runner.run(LabCommands.mountNspawnRuntime())
    }
}
