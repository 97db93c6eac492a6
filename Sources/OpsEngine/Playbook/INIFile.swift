import Foundation
import Jinja

/// An INI file as Python's `configparser.ConfigParser` reads it (what Ansible's `ini` lookup uses):
/// `=` or `:` delimiters, `#`/`;` comment lines, indented continuation lines, a `DEFAULT`
/// section every other section inherits, names lowercased unless case-sensitive, duplicate
/// sections and options refused, and `%(name)s` / `%%` interpolation on reading.
struct INIFile {
    static let defaultSection = "DEFAULT"

    /// A section's options in file order; a nil value is an `allow_no_value` key.
    private var sections: [String: [(name: String, value: String?)]] = [defaultSection: []]

    init(_ text: String, file: String, caseSensitive: Bool, allowNoValue: Bool) throws {
        var section: String?
        var indent = 0
        // The option being read, which indented lines continue (blank lines inside it are kept).
        var continued: (section: String, index: Int, lines: [String])?
        func endOption() {
            guard let c = continued else { return }
            // Joined, trailing blank lines dropped, as configparser does.
            let joined = c.lines.joined(separator: "\n").replacingOccurrences(
                of: "\\s+$", with: "", options: .regularExpression)
            sections[c.section]![c.index].value = joined
            continued = nil
        }
        func fail(_ line: Int, _ message: String) -> TemplateError {
            TemplateError(.runtime, "\(file):\(line): \(message)")
        }
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            let stripped = line.trimmingCharacters(in: .whitespaces)
            if stripped.hasPrefix("#") || stripped.hasPrefix(";") { continue }
            if stripped.isEmpty {
                continued?.lines.append("")
                continue
            }
            let lineIndent = line.prefix { $0 == " " || $0 == "\t" }.count
            if continued != nil && lineIndent > indent {
                continued!.lines.append(stripped)
                continue
            }
            endOption()
            indent = lineIndent
            // configparser's `\[(?P<header>.+)\]`: up to the last `]`, anything after it ignored.
            if stripped.hasPrefix("["), let close = stripped.lastIndex(of: "]"), stripped.distance(from: stripped.startIndex, to: close) > 1 {
                let name = String(stripped[stripped.index(after: stripped.startIndex)..<close])
                if name != Self.defaultSection && sections[name] != nil {
                    throw fail(index + 1, "section '\(name)' already exists")
                }
                if sections[name] == nil { sections[name] = [] }
                section = name
                continue
            }
            guard let s = section else { throw fail(index + 1, "file contains no section headers: \(line)") }
            let delimiter = stripped.firstIndex { $0 == "=" || $0 == ":" }
            var name = String(delimiter.map { stripped[..<$0] } ?? stripped[...]).trimmingCharacters(in: .whitespaces)
            if !caseSensitive { name = name.lowercased() }
            if sections[s]!.contains(where: { $0.name == name }) {
                throw fail(index + 1, "option '\(name)' in section '\(s)' already exists")
            }
            if let d = delimiter {
                sections[s]!.append((name, ""))
                let first = stripped[stripped.index(after: d)...].trimmingCharacters(in: .whitespaces)
                continued = (s, sections[s]!.count - 1, [first])
            } else if allowNoValue {
                sections[s]!.append((name, nil))
            } else {
                throw fail(index + 1, "a line that is neither a section, an option nor a comment: \(line)")
            }
        }
        endOption()
    }

    func hasSection(_ section: String) -> Bool { sections[section] != nil }

    /// The option's raw value (nil for an `allow_no_value` key), from the section or DEFAULT.
    private func raw(_ section: String, _ option: String) -> String?? {
        for s in [section, Self.defaultSection] {
            if let entry = sections[s]?.first(where: { $0.name == option }) { return .some(entry.value) }
        }
        return nil
    }

    func has(_ section: String, _ option: String) -> Bool { raw(section, option) != nil }

    /// The section's option names with DEFAULT's first, as configparser's `items()` lists them.
    func names(_ section: String) -> [String] {
        var seen = Set<String>()
        return (sections[Self.defaultSection]! + (sections[section] ?? [])).map(\.name).filter { seen.insert($0).inserted }
    }

    /// The option's value with `%(name)s` and `%%` interpolated (configparser's BasicInterpolation).
    func value(_ section: String, _ option: String, depth: Int = 0) throws -> String? {
        guard let stored = raw(section, option), let raw = stored else { return nil }
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
                    .runtime,
                    "'%' must be followed by '%' or '(' in option '\(option)' of section '\(section)', found: '\(String(rest[percent...]))'"
                )
            }
        }
        return out + rest
    }
}
