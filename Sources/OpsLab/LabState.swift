import Foundation

/// What `lab up` created, written before it creates anything so that `down` (or the next `up`)
/// can remove all of it even if `up` was killed half-way.
struct LabState: Codable, Equatable {
    var network: LabNetwork
    var hosts: [LabHost]
    var inventoryDirectory: String
    var baseHash: String
    var aptRepository: String?
    var sudoPassword: String
    var createdAt: Date

    static func load(from path: String) -> LabState? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(LabState.self, from: data)
    }

    func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // The sudo password is in here: root-only, like the inventory's copy.
        try FileSystem.write(try encoder.encode(self), to: path, mode: 0o600)
    }
}
