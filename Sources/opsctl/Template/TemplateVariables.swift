import Foundation
import Jinja

/// Builds the variables of `opsctl template render` from --vars files and -e options.
enum TemplateVariables {
    static func load(files: [String], extra: [String]) throws -> ValueDict {
        var vars = ValueDict()
        for f in files { try merge(parseDocument(try FileSystemLoader.read(f), origin: f), into: &vars, origin: f) }
        for e in extra {
            if e.hasPrefix("@") {
                let path = String(e.dropFirst())
                try merge(parseDocument(try FileSystemLoader.read(path), origin: path), into: &vars, origin: path)
            } else {
                do {
                    try merge(.dict(try ExtraVars.parse(e)), into: &vars, origin: "-e")
                } catch let error as TemplateError {
                    throw TemplateInputError(message: error.message)
                }
            }
        }
        return vars
    }

    static func merge(_ v: Value, into vars: inout ValueDict, origin: String) throws {
        if v.isNone { return }
        guard let d = v.dictValue else {
            throw TemplateInputError(
                message: "\(origin): variables must be a mapping at the top level, got \(v.typeName)")
        }
        for (k, value) in d.pairs { vars[k] = value }
    }

    static func parseDocument(_ text: String, origin: String) throws -> Value {
        do {
            return try Value(yaml: text)
        } catch {
            throw TemplateInputError(message: "\(origin): invalid YAML/JSON: \(error)")
        }
    }
}
