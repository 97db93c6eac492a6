import Foundation

/// One host's upper layer, filled before it boots: its name, its own SSH host keys, the lab key
/// for root and the sudo user, the sudo user's password. The base stays untouched and shared.
struct HostImage {
    var host: LabHost
    var allHosts: [LabHost]
    var network: LabNetwork
    var base: String
    var paths: LabPaths
    var recipe: BaseRecipe
    var runner: CommandRunner

    // No RSA: each 3072-bit key costs about a second here, and every client the lab serves
    // (OpenSSH, libssh2 >= 1.9, Ansible) negotiates ed25519 or ECDSA.
    static let hostKeyTypes = ["ed25519", "ecdsa"]

    var upper: String { paths.upperDirectory(host.name) }

    /// Returns the host's public keys (`type base64`), read from the files just generated.
    func prepare(labPublicKey: String, sudoPasswordHash: String) throws -> [String] {
        try FileSystem.makeDirectory(paths.hostDirectory(host.name), mode: 0o700)
        let root = paths.rootDirectory(host.name)
        try FileSystem.makeDirectory(root + "/usr/lib")
        try FileSystem.write(try FileSystem.read(base + "/usr/lib/os-release"), to: root + "/usr/lib/os-release")
        try FileSystem.makeDirectory(upper, mode: 0o755)

        try FileSystem.mirrorDirectories("etc/ssh", base: base, upper: upper)
        try FileSystem.write(host.name + "\n", to: upper + "/etc/hostname")
        try FileSystem.write(hostsFile, to: upper + "/etc/hosts")
        try FileSystem.write(Self.machineID() + "\n", to: upper + "/etc/machine-id", mode: 0o444)
        try writeShadow(sudoPasswordHash: sudoPasswordHash)

        var publicKeys: [String] = []
        for type in Self.hostKeyTypes {
            let path = upper + "/etc/ssh/ssh_host_\(type)_key"
            try runner.run(LabCommands.generateHostKey(type: type, path: path, host: host.name))
            let fields = try FileSystem.read(path + ".pub").split(separator: " ")
            guard fields.count >= 2 else {
                throw LabError.io(operation: "parsing public key", path: path + ".pub", reason: "expected `type key`")
            }
            publicKeys.append("\(fields[0]) \(fields[1])")
        }

        try authorize(labPublicKey, home: "root")
        try authorize(labPublicKey, home: "home/" + recipe.sudoUser)
        return publicKeys
    }

    var hostsFile: String {
        var lines = [
            "127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback",
            "\(network.bridgeAddress)\topsctl-control",
        ]
        for other in allHosts { lines.append("\(other.address)\t\(other.name)") }
        return lines.joined(separator: "\n") + "\n"
    }

    private func writeShadow(sudoPasswordHash: String) throws {
        let path = "/etc/shadow"
        let info = try FileSystem.status(base + path)
        var found = false
        let lines = try FileSystem.read(base + path).split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> String in
                var fields = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard fields.count > 2, fields[0] == recipe.sudoUser else { return String(line) }
                found = true
                fields[1] = sudoPasswordHash
                return fields.joined(separator: ":")
            }
        guard found else {
            throw LabError.io(
                operation: "setting the password of `\(recipe.sudoUser)` in", path: base + path,
                reason: "the user is missing from the base image; remove \(base) to rebuild it")
        }
        try FileSystem.write(
            lines.joined(separator: "\n"), to: upper + path, mode: Int(info.st_mode & 0o7777),
            owner: (info.st_uid, info.st_gid))
    }

    private func authorize(_ publicKey: String, home: String) throws {
        try FileSystem.mirrorDirectories(home, base: base, upper: upper)
        let owner = try FileSystem.status(base + "/" + home)
        let ids = (owner.st_uid, owner.st_gid)
        try FileSystem.makeDirectory(upper + "/" + home + "/.ssh", mode: 0o700, owner: ids)
        try FileSystem.write(
            publicKey + "\n", to: upper + "/" + home + "/.ssh/authorized_keys", mode: 0o600, owner: ids)
    }

    static func machineID() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    static func randomPassword(length: Int = 24) -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
