import Foundation
import Jinja

/// Builds the variables of `opsctl template render` from --vars files and -e options.
enum TemplateVariables {
    static func load(files: [String], extra: [String]) throws -> ValueDict {
        var vars = ValueDict()
        for f in files { try merge(parseDocument(try FileSystemLoader.read(f), origin: f), into: &vars) }
        for e in extra {
            if e.hasPrefix("@") {
                let path = String(e.dropFirst())
                try merge(parseDocument(try FileSystemLoader.read(path), origin: path), into: &vars)
            } else if e.hasPrefix("{") {
                try merge(parseDocument(e, origin: "-e \(e)"), into: &vars)
            } else {
                try merge(.dict(try keyValues(e)), into: &vars)
            }
        }
        return vars
    }

    static func merge(_ v: Value, into vars: inout ValueDict) throws {
        if v.isNone { return }
        guard let d = v.dictValue else {
            throw TemplateInputError(message: "variables must be a mapping at the top level, got \(v.typeName)")
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

    /// `key=value key2='quoted value'`, as ansible-playbook's -e parses it.
    static func keyValues(_ text: String) throws -> ValueDict {
        var d = ValueDict()
        var tokens: [String] = []
        var current = ""
        var quote: Character? = nil
        for c in text {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == " " {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            } else {
                current.append(c)
            }
        }
        if quote != nil { throw TemplateInputError(message: "-e \(text): unterminated quote") }
        if !current.isEmpty { tokens.append(current) }
        for t in tokens {
            guard let eq = t.firstIndex(of: "="), eq != t.startIndex else {
                throw TemplateInputError(
                    message: "-e \(text): expected key=value, @file.yml or a JSON object, got '\(t)'")
            }
            d[String(t[..<eq])] = .string(String(t[t.index(after: eq)...]))
        }
        return d
    }
}
