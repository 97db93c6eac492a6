import Foundation
import XCTest

/// A network namespace joined to ours by a veth pair, to make hosts that can be silenced:
/// `dropEverything()` installs an nftables rule inside it that drops every packet, a blackhole.
final class TestNetworkNamespace {
    let name: String
    let hostInterface: String
    /// Our side of the veth pair, and the namespace's side.
    let hostAddress: String
    let address: String

    init() throws {
        try requirePrerequisite(getuid() == 0, "network namespace tests need root")
        try requirePrerequisite(
            FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")
                && FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft"),
            "ip and nft are needed: apt-get install -y iproute2 nftables")
        let id = Int(getpid()) % 200 + 20
        let serial = Self.nextSerial()
        name = "opsctl-sshtest-\(getpid())-\(serial)"
        hostInterface = "osshh\(getpid() % 10000)\(serial)"
        // 10.250/16: clear of the lab's 10.213.0.0/24 bridge.
        let subnet = "10.250.\(id).\(serial * 4)"
        let parts = subnet.split(separator: ".")
        let base = parts.prefix(3).joined(separator: ".")
        let last = Int(parts[3])!
        hostAddress = "\(base).\(last + 1)"
        address = "\(base).\(last + 2)"
        try ip(["netns", "add", name])
        do {
            try ip(["link", "add", hostInterface, "type", "veth", "peer", "name", "eth0", "netns", name])
            try ip(["addr", "add", "\(hostAddress)/30", "dev", hostInterface])
            try ip(["link", "set", hostInterface, "up"])
            try ip(["netns", "exec", name, "ip", "addr", "add", "\(address)/30", "dev", "eth0"])
            try ip(["netns", "exec", name, "ip", "link", "set", "eth0", "up"])
            try ip(["netns", "exec", name, "ip", "link", "set", "lo", "up"])
        } catch {
            remove()
            throw error
        }
    }

    func dropEverything() throws {
        try ip(["netns", "exec", name, "nft", "add table inet opsctl_blackhole"])
        try ip([
            "netns", "exec", name, "nft",
            "add chain inet opsctl_blackhole input { type filter hook input priority -300 ; policy drop ; }",
        ])
    }

    func remove() {
        try? ip(["netns", "del", name])
        try? ip(["link", "del", hostInterface])
    }

    private func ip(_ arguments: [String]) throws {
        try TestSSHServer.run("/usr/sbin/ip", arguments)
    }

    private static let lock = NSLock()
    private static var serial = 0
    private static func nextSerial() -> Int {
        lock.lock()
        defer { lock.unlock() }
        serial = (serial + 1) % 60
        return serial
    }
}
