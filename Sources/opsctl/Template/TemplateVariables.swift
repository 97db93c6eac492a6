import Foundation
import Jinja
import OpsCore
import OpsEngine

/// Builds the variables of `opsctl template render` from --vars files and -e options.
enum TemplateVariables {
    static func load(files: [String], extra: [String]) throws -> ValueDict {
        var vars = ValueDict()
        let reader = DiskSourceReader()
        for f in files { try merge(parseDocument(try reader.read(f), origin: f), into: &vars, origin: f) }
        // -e works exactly as for `opsctl play`: key=value, @file.yml, or an inline mapping.
        for (k, v) in try ExtraVars.parse(extra, reader: reader).pairs { vars[k] = v }
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
