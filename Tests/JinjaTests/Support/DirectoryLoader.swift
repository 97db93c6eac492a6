import Foundation
import Jinja

/// Reads corpus templates from a directory (the tests' own loader; the CLI has its own).
struct DirectoryLoader: TemplateLoader {
    let directory: URL

    func load(_ name: String, from parent: String?) throws -> (source: String, name: String)? {
        let url = directory.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return (String(decoding: data, as: UTF8.self), name)
    }
}
