import Jinja
import OpsCore

/// `-e` values: `key=value` words, `@file.yml`, or an inline YAML/JSON mapping, later ones winning.
public enum ExtraVars {
    public static func parse(_ arguments: [String], reader: any SourceReader) throws -> ValueDict {
        var out = ValueDict()
        for arg in arguments {
            let trimmed = arg.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("@") {
                let vars = try InventoryLoader(reader: reader).readVarsFile(String(trimmed.dropFirst()))
                for (k, v) in PlaybookValues.dict(vars).pairs { out[k] = v }
            } else if trimmed.hasPrefix("{") {
                let node = try YAMLDocument.parse(trimmed, file: "-e")
                let vars = try VariableSet.from(node, file: "-e", text: trimmed, what: "-e")
                for (k, v) in PlaybookValues.dict(vars).pairs { out[k] = v }
            } else {
                let parsed: KeyValueArguments.Parsed
                do { parsed = try KeyValueArguments.parse(trimmed) } catch {
                    throw InputError("-e \(arg): \(error)")
                }
                if let free = parsed.freeForm {
                    throw InputError("-e \(arg): expected key=value, @file.yml or a {mapping}; \"\(free)\" is none of them")
                }
                // Like Ansible, key=value extra vars are strings.
                for (k, v) in parsed.pairs { out[k] = .string(v) }
            }
        }
        return out
    }
}
