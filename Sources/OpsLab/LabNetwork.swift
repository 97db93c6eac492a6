/// The lab's bridge and /24 subnet in the root namespace. 10.213.0.0/24 by default: a private
/// range unlikely to collide with Docker, libvirt or cloud defaults; `lab up` checks anyway.
public struct LabNetwork: Sendable, Equatable, Codable {
    /// The first three octets, e.g. "10.213.0".
    public var prefix: String
    public var bridge: String

    public init(prefix: String = "10.213.0", bridge: String = "opsbr0") {
        self.prefix = prefix
        self.bridge = bridge
    }

    /// Parses `--subnet 10.213.0.0/24` (or just `10.213.0`).
    public init(subnet: String, bridge: String = "opsbr0") throws {
        var text = subnet
        if text.hasSuffix("/24") { text.removeLast(3) }
        var octets = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if octets.count == 4, octets[3] == "0" { octets.removeLast() }
        guard octets.count == 3, octets.allSatisfy({ Int($0).map { (0...255).contains($0) } ?? false }),
            octets.allSatisfy({ $0 == String(Int($0)!) })
        else {
            throw LabError.invalidOption("invalid --subnet `\(subnet)`: expected a /24 such as 10.213.0.0/24")
        }
        self.init(prefix: octets.joined(separator: "."), bridge: bridge)
    }

    public var cidr: String { "\(prefix).0/24" }
    public var bridgeAddress: String { address(1) }
    public func address(_ octet: Int) -> String { "\(prefix).\(octet)" }
}
