/// One container of the lab: its inventory name, address and the names of its kernel objects.
public struct LabHost: Sendable, Equatable, Codable {
    public var name: String
    public var address: String
    /// Inventory groups, from the name's prefix (`app2` → app).
    public var groups: [String]
    /// Last octet of the address; keeps interface names short and unique.
    public var index: Int

    public init(name: String, address: String, groups: [String], index: Int) {
        self.name = name
        self.address = address
        self.groups = groups
        self.index = index
    }

    /// The network namespace the container runs in (`ip netns` name).
    public var namespace: String { "opsctl-\(name)" }
    /// The root-namespace end of the host's veth pair, attached to the lab bridge. Interface
    /// names are limited to 15 bytes, hence the index rather than the host name.
    public var hostInterface: String { "opsv\(index)" }
}
