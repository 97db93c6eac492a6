import Foundation
import Jinja

/// An INI file as Python's `configparser.ConfigParser` reads it (what Ansible's `ini` lookup uses):
/// `=` or `:` delimiters, `#`/`;` comment lines, indented continuation lines, a `DEFAULT`
/// section every other section inherits, names lowercased unless case-sensitive, duplicate
/// sections and options refused, and `%(name)s` / `%%` interpolation on reading.
struct INIFile {
    /// Options by section (raw, before interpolation); nil values are `allow_no_value` keys.
    private(set) var sections: [String: [String: String?]] = [:]
    private(set) var order: [String: [String]] = [:]
    private(set) var defaults: [String: String?] = [:]
    private var defaultOrder: [String] = []

    init(_ text: String, file: String, caseSensitive: Bool, allowNoValue: Bool) throws {
        var section: String?
        var option: String?
        var indent = 0
        var pendingBlank = 0
        var values: [String: [String]] = [:]  // "section\u{0}option" → lines
        func fail(_ line: Int, _ message: String) -> TemplateError {
            TemplateError(.runtime, "\(file):\(line): \(message)")
        }
        func key(_ s: String, _ o: String) -> String { s + "\u{0}" + o }
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = String(raw.hasSuffix("\r") ? raw.dropLast() : raw)
            let stripped = line.trimmingCharacters(in: .whitespaces)
            if stripped.hasPrefix("#") || stripped.hasPrefix(";") { continue }
            if stripped.isEmpty {
                if option != nil { pendingBlank += 1 }
                continue
            }
            let lineIndent = line.prefix { $0 == " " || $0 == "\t" }.count
            if let s = section, let o = option, lineIndent > indent, values[key(s, o)] != nil {
                values[key(s, o)]! += Array(repeating: "", count: pendingBlank) + [stripped]
                pendingBlank = 0
                continue
            }
            pendingBlank = 0
            indent = lineIndent
            if stripped.hasPrefix("["), let close = stripped.lastIndex(of: "]"), close > stripped.index(after: stripped.startIndex) {
                let name = String(stripped[stripped.index(after: stripped.startIndex)..<close])
                if name != "DEFAULT" && sections[name] != nil {
                    throw fail(number, "section '\(name)' already exists")
                }
                if name != "DEFAULT" && sections[name] == nil {
                    sections[name] = [:]
                    order[name] = []
                }
                section = name
                option = nil
                continue
            }
            guard let s = section else { throw fail(number, "file contains no section headers: \(line)") }
            let delimiter = stripped.firstIndex { $0 == "=" || $0 == ":" }
            var name = String(delimiter.map { stripped[..<$0] } ?? stripped[...]).trimmingCharacters(in: .whitespaces)
            if !caseSensitive { name = name.lowercased() }
            let existing = s == "DEFAULT" ? defaults.keys.contains(name) : sections[s]![name] != nil
            if existing { throw fail(number, "option '\(name)' in section '\(s)' already exists") }
            if let d = delimiter {
                let value = stripped[stripped.index(after: d)...].trimmingCharacters(in: .whitespaces)
                values[key(s, name)] = [value]
                if s == "DEFAULT" { defaults[name] = "" ; defaultOrder.append(name) } else {
                    sections[s]![name] = ""
                    order[s]!.append(name)
                }
                option = name
            } else if allowNoValue {
                if s == "DEFAULT" { defaults[name] = .some(nil); defaultOrder.append(name) } else {
                    sections[s]![name] = .some(nil)
                    order[s]!.append(name)
                }
                option = nil
            } else {
                throw fail(number, "a line that is neither a section, an option nor a comment: \(line)")
            }
        }
        // Multi-line values are their lines joined, trailing blank ones dropped.
        for (k, lines) in values {
            let parts = k.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let joined = lines.joined(separator: "\n").replacingOccurrences(
                of: "\\s+$", with: "", options: .regularExpression)
            if parts[0] == "DEFAULT" { defaults[parts[1]] = joined } else { sections[parts[0]]![parts[1]] = joined }
        }
    }

    /// The section's options with the defaults first, as configparser's `items()` lists them.
    func items(_ section: String) -> [(String, String?)] {
        var result: [(String, String?)] = []
        var seen = Set<String>()
        for k in defaultOrder where seen.insert(k).inserted { result.append((k, sections[section]?[k] ?? defaults[k] ?? nil)) }
        for k in order[section] ?? [] where seen.insert(k).inserted { result.append((k, sections[section]?[k] ?? nil)) }
        return result
    }

    /// The option's value with `%(name)s` and `%%` interpolated (configparser's BasicInterpolation).
    func value(_ section: String, _ option: String, depth: Int = 0) throws -> String? {
        guard let stored = sections[section]?[option] ?? defaults[option] else { return nil }
        guard let raw = stored else { return nil }
        guard depth < 10 else {
            throw TemplateError(.runtime, "interpolation of '\(option)' in section '\(section)' goes deeper than 10 levels")
        }
        var out = ""
        var rest = Substring(raw)
        while let percent = rest.firstIndex(of: "%") {
            out += rest[..<percent]
            let after = rest[rest.index(after: percent)...]
            if after.hasPrefix("%") {
                out += "%"
                rest = after.dropFirst()
            } else if after.hasPrefix("("), let close = after.range(of: ")s") {
                let name = String(after[after.index(after: after.startIndex)..<close.lowerBound]).lowercased()
                guard let v = try value(section, name, depth: depth + 1) else {
                    throw TemplateError(
                        .runtime, "bad interpolation in option '\(option)' of section '\(section)': no option '\(name)'")
                }
                out += v
                rest = after[close.upperBound...]
            } else {
                throw TemplateError(
                    .runtime, "'%' must be followed by '%' or '(' in option '\(option)' of section '\(section)', found: '\(String(rest[percent...]))'")
            }
        }
        return out + rest
    }
}
