import Foundation
import Jinja

/// Loads included and imported templates from directories, as jinja2's FileSystemLoader does.
struct FileSystemLoader: TemplateLoader {
    let searchPaths: [String]

    func load(_ name: String, from parent: String?) throws -> (source: String, name: String)? {
        let candidates =
            name.hasPrefix("/") ? [name] : searchPaths.map { ($0 as NSString).appendingPathComponent(name) }
        for path in candidates where FileManager.default.fileExists(atPath: path) {
            return (try FileSystemLoader.read(path), path)
        }
        return nil
    }

    static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TemplateInputError(message: "cannot read '\(path)': no such file or not readable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TemplateInputError(message: "'\(path)' is not valid UTF-8")
        }
        return text
    }
}
