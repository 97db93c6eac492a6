import Foundation

/// A private temporary directory for one validation run, removed by `remove()`.
struct ScratchDirectory {
    let url: URL

    init(prefix: String) throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("opsctl-\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(
            at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    /// Replaces every occurrence of the scratch paths in a tool's message by the user's file, so
    /// the message points at what they rendered, not at our temporary copy.
    static func mapPaths(_ text: String, _ replacements: [(from: String, to: String)]) -> String {
        replacements.reduce(text) { $0.replacingOccurrences(of: $1.from, with: $1.to) }
    }
}
