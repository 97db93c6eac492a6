import Foundation

/// Identifiers and literals for the SQL the PostgreSQL modules send. Ansible's modules paste names
/// between double quotes unescaped; here a quote in a name is doubled, a backslash makes an
/// `E''` literal (right whatever `standard_conforming_strings` says), and what PostgreSQL would
/// silently change (a NUL byte, a name longer than 63 bytes, which it truncates) is refused.
enum SQLQuoting {
    /// PostgreSQL's NAMEDATALEN - 1: longer names are cut, so the module would never find them again.
    static let maxIdentifierBytes = 63

    static func identifier(_ name: String, _ what: String, module: String) throws -> String {
        if name.isEmpty { throw ModuleError("\(module): \(what) must not be empty") }
        if name.utf8.contains(0) { throw ModuleError("\(module): \(what) \"\(name)\" contains a NUL byte") }
        if name.utf8.count > maxIdentifierBytes {
            throw ModuleError(
                "\(module): \(what) \"\(name)\" is \(name.utf8.count) bytes long; PostgreSQL cuts names to "
                    + "\(maxIdentifierBytes) bytes, so use a shorter one")
        }
        return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func literal(_ text: String, _ what: String, module: String) throws -> String {
        if text.utf8.contains(0) { throw ModuleError("\(module): \(what) contains a NUL byte") }
        let quoted = text.replacingOccurrences(of: "'", with: "''")
        if text.contains("\\") { return "E'" + quoted.replacingOccurrences(of: "\\", with: "\\\\") + "'" }
        return "'" + quoted + "'"
    }
}
