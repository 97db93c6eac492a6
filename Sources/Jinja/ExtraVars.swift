/// `-e`/`--extra-vars` arguments as ansible-playbook reads them: `key=value key2='a b'` (string values) or an
/// inline JSON/YAML mapping. `@file` arguments are read by the caller (the engine does no I/O) and parsed
/// with `Value(yaml:)`.
public enum ExtraVars {
    public static func parse(_ argument: String) throws -> ValueDict {
        let trimmed = PyString.strip(argument, chars: nil, left: true, right: true)
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            let v: Value
            do {
                v = try Value(yaml: trimmed)
            } catch {
                throw TemplateError(.syntax, "-e \(argument): invalid JSON/YAML: \(error)")
            }
            guard let d = v.dictValue else {
                throw TemplateError(.type, "-e \(argument): extra vars must be a mapping, got \(v.typeName)")
            }
            return d
        }
        var d = ValueDict()
        var tokens: [String] = []
        var current = ""
        var quote: Character? = nil
        for c in argument {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == " " || c == "\t" {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            } else {
                current.append(c)
            }
        }
        if quote != nil { throw TemplateError(.syntax, "-e \(argument): unterminated quote") }
        if !current.isEmpty { tokens.append(current) }
        for t in tokens {
            guard let eq = t.firstIndex(of: "="), eq != t.startIndex else {
                throw TemplateError(
                    .syntax,
                    "-e \(argument): expected key=value, @file.yml or a JSON object, got '\(t)'")
            }
            d[String(t[..<eq])] = .string(String(t[t.index(after: eq)...]))
        }
        return d
    }
}
