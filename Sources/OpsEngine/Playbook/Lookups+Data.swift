import Foundation
import Jinja
import OpsCore

/// The lookups that read or keep data on the control node: `password` (generated once, then
/// read back from its file), `ini` (an INI or Java properties file) and `csvfile`.
extension Lookups {
    static let data: [String: Plugin] = {
        var p: [String: Plugin] = [:]
        p["password"] = { terms, o, _ in try strings(terms, "password").map { try password(term: $0, options: o) } }
        p["ini"] = { terms, o, ctx in try strings(terms, "ini").flatMap { try ini(term: $0, options: o, ctx) } }
        p["csvfile"] = { terms, o, ctx in try strings(terms, "csvfile").map { try csvfile(term: $0, options: o, ctx) } }
        return p
    }()

    /// A term's `key=value` options over the call's keyword options, and its free text (the key or path).
    static func termOptions(_ term: String, _ options: Arguments, allowed: [String]) throws
        -> (text: String, options: [String: Value])
    {
        let parsed: KeyValueArguments.Parsed
        do { parsed = try KeyValueArguments.parse(term) } catch {
            throw TemplateError(.runtime, "could not parse the term \"\(term)\": \(error)")
        }
        var merged: [String: Value] = [:]
        for (k, v) in options.named { merged[k] = v }
        for (k, v) in parsed.pairs { merged[k] = .string(v) }
        for k in merged.keys where !allowed.contains(k) {
            var m = "unknown option '\(k)'"
            if let s = Suggestion.closest(to: k, in: allowed) { m += "; did you mean '\(s)'?" }
            throw TemplateError(.runtime, m)
        }
        return (parsed.freeForm ?? "", merged)
    }

    // MARK: password

    /// Python's `string` constants, as Ansible's `chars` names them.
    static let characterSets: [String: String] = [
        "ascii_letters": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "ascii_lowercase": "abcdefghijklmnopqrstuvwxyz", "ascii_uppercase": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "digits": "0123456789", "hexdigits": "0123456789abcdefABCDEF", "octdigits": "01234567",
        "punctuation": "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
        "letters": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    ]

    /// Ansible's `password` lookup: the password stored in the file, or a new random one written
    /// there first (mode 0600, directories 0700; `/dev/null` keeps nothing). With `encrypt`, the
    /// salt is kept beside it (`PASSWORD salt=SALT`) and the SHA-crypt hash is returned.
    static func password(term: String, options: Arguments) throws -> Value {
        let (path, o) = try termOptions(
            term, options, allowed: ["length", "chars", "encrypt", "ident", "seed"])
        guard !path.isEmpty else { throw TemplateError(.runtime, "password: no file name given") }
        let length = try o["length"].map { v -> Int in
            guard let n = Int(try v.pythonString()), n > 0 else {
                throw TemplateError(.runtime, "password: length must be a positive integer, got \((try? v.pythonRepr()) ?? v.typeName)")
            }
            return n
        } ?? 20
        var alphabet = ""
        if let chars = o["chars"] {
            // A string is a comma-separated list where ",," stands for a comma, split as Ansible does.
            var names: [String] = []
            if let list = chars.listValue {
                names = try list.map { try $0.pythonString() }
            } else {
                let text = try chars.pythonString()
                if text.contains(",,") { names.append(",") }
                names += text.replacingOccurrences(of: ",,", with: ",").split(separator: ",").map(String.init)
            }
            for name in names { alphabet += characterSets[name] ?? name }
        } else {
            alphabet = characterSets["ascii_letters"]! + characterSets["digits"]! + ".,:-_"
        }
        // Each character as often as the sets name it, as Python's random.choice over the joined string.
        let characters = Array(alphabet)
        guard !characters.isEmpty else { throw TemplateError(.runtime, "password: chars gives no characters") }
        let encrypt = try o["encrypt"].map { try $0.pythonString() }
        if let encrypt, !["sha512_crypt", "sha256_crypt"].contains(encrypt) {
            throw TemplateError(.runtime, "password: encrypt '\(encrypt)' is not supported (sha512_crypt, sha256_crypt)")
        }
        if o["seed"] != nil {
            throw TemplateError(.runtime, "password: seed (a repeatable password) is not supported; store the password instead")
        }
        let file = ControlNode.expandUser(path)
        var plaintext: String
        var salt: String?
        if file != "/dev/null", let data = FileManager.default.contents(atPath: file) {
            guard let text = String(data: data, encoding: .utf8) else {
                throw TemplateError(.runtime, "password: \(file) is not UTF-8 text")
            }
            plaintext = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
            if let r = plaintext.range(of: " salt=") {
                salt = String(plaintext[r.upperBound...])
                plaintext = String(plaintext[..<r.lowerBound])
            }
            if encrypt != nil && salt == nil {
                salt = ShaCrypt.randomSalt()
                try writeSecret(plaintext + " salt=" + salt!, to: file)
            }
        } else {
            var generator = SystemRandomNumberGenerator()
            plaintext = String((0..<length).map { _ in characters.randomElement(using: &generator)! })
            if encrypt != nil { salt = ShaCrypt.randomSalt() }
            if file != "/dev/null" { try writeSecret(plaintext + (salt.map { " salt=" + $0 } ?? ""), to: file) }
        }
        guard let encrypt, let salt else { return .string(plaintext) }
        let sha512 = encrypt == "sha512_crypt"
        return .string(ShaCrypt.hash(plaintext, salt: salt, rounds: ShaCrypt.passlibRounds(sha512: sha512), sha512: sha512))
    }

    /// Writes a secret readable by its owner only, in directories only its owner may enter.
    static func writeSecret(_ text: String, to file: String) throws {
        let directory = (file as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            let created = FileManager.default.createFile(
                atPath: file, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: 0o600])
            guard created else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            throw TemplateError(.runtime, "password: could not write \(file): \(error.localizedDescription)")
        }
    }

    // MARK: ini

    /// Ansible's `ini` lookup: `key section=S file=F` (also `default`, `re`, `type=properties`,
    /// `case_sensitive`, `allow_no_value`), read as Python's configparser reads it.
    static func ini(term: String, options: Arguments, _ ctx: CallContext) throws -> [Value] {
        let (key, o) = try termOptions(
            term, options,
            allowed: ["section", "file", "default", "re", "type", "encoding", "case_sensitive", "allow_no_value",
                "allow_none", "interpolation"])
        guard !key.isEmpty else { throw TemplateError(.runtime, "ini: no key given") }
        let type = try o["type"]?.pythonString() ?? "ini"
        guard type == "ini" || type == "properties" else {
            throw TemplateError(.runtime, "ini: type must be ini or properties, got '\(type)'")
        }
        let name = try o["file"]?.pythonString() ?? (type == "properties" ? "ansible.properties" : "ansible.ini")
        let section = type == "properties" ? "java_properties" : try o["section"]?.pythonString() ?? "global"
        let caseSensitive = truth(o, "case_sensitive") ?? false
        let allowNoValue = truth(o, "allow_no_value") ?? truth(o, "allow_none") ?? false
        let isRegex = truth(o, "re") ?? false
        let (found, looked) = try find(name, in: "files", ctx)
        guard let path = found, let data = FileManager.default.contents(atPath: path),
            var text = String(data: data, encoding: .utf8)
        else {
            throw TemplateError(.runtime, "could not locate file \"\(name)\" (looked in \(looked.joined(separator: ", ")))")
        }
        if type == "properties" { text = "[java_properties]\n" + text }
        let config = try INIFile(text, file: path, caseSensitive: caseSensitive, allowNoValue: allowNoValue)
        guard config.hasSection(section) else { throw TemplateError(.runtime, "No section '\(section)' in \(path)") }
        if isRegex {
            let regex: NSRegularExpression
            do { regex = try NSRegularExpression(pattern: key) } catch {
                throw TemplateError(.runtime, "ini: '\(key)' is not a regular expression: \(error.localizedDescription)")
            }
            return try config.names(section).filter { name in
                regex.firstMatch(in: name, options: .anchored, range: NSRange(name.startIndex..., in: name)) != nil
            }.map { try config.value(section, $0).map(Value.string) ?? .none }
        }
        let option = caseSensitive ? key : key.lowercased()
        guard config.has(section, option) else { return [o["default"] ?? .string("")] }
        return [try config.value(section, option).map(Value.string) ?? .none]
    }

    /// An option's boolean the way Ansible reads it (`yes`, `on`, `true`, `1`, …).
    /// (Ansible converts these options non-strictly: anything but a true word is false.)
    static func truth(_ options: [String: Value], _ name: String) -> Bool? {
        options[name].map { PlaybookValues.bool($0) ?? false }
    }

    // MARK: csvfile

    /// Ansible's `csvfile` lookup: column `col` of the first row whose first column is the key.
    static func csvfile(term: String, options: Arguments, _ ctx: CallContext) throws -> Value {
        let (key, o) = try termOptions(
            term, options, allowed: ["file", "col", "delimiter", "default", "encoding", "keycol"])
        let name = try o["file"]?.pythonString() ?? "ansible.csv"
        var delimiter = try o["delimiter"]?.pythonString() ?? "TAB"
        if delimiter == "TAB" || delimiter == "\\t" { delimiter = "\t" }
        guard let separator = delimiter.first, delimiter.count == 1 else {
            throw TemplateError(.runtime, "csvfile: delimiter must be one character, got '\(delimiter)'")
        }
        func index(_ option: String, _ fallback: Int) throws -> Int {
            guard let v = o[option] else { return fallback }
            guard let n = Int(try v.pythonString()), n >= 0 else {
                throw TemplateError(.runtime, "csvfile: \(option) must be a column number, got \((try? v.pythonRepr()) ?? v.typeName)")
            }
            return n
        }
        let col = try index("col", 1)
        let keycol = try index("keycol", 0)
        let (found, looked) = try find(name, in: "files", ctx)
        guard let path = found, let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)
        else {
            throw TemplateError(.runtime, "could not locate file \"\(name)\" (looked in \(looked.joined(separator: ", ")))")
        }
        for row in CSVRows.parse(text, separator: separator) where row.count > keycol && row[keycol] == key {
            guard col < row.count else {
                throw TemplateError(.runtime, "csvfile: row \"\(key)\" of \(path) has no column \(col)")
            }
            return .string(row[col])
        }
        return o["default"] ?? .none
    }
}

/// Rows of a CSV text as Python's csv module reads them (excel dialect): quoted fields may hold the
/// separator, newlines and doubled quotes.
enum CSVRows {
    static func parse(_ text: String, separator: Character) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var atFieldStart = true
        var chars = Array(text)
        if chars.last != "\n" { chars.append("\n") }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" {
                        field.append("\"")
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && atFieldStart {
                quoted = true
            } else if c == separator {
                row.append(field)
                field = ""
                atFieldStart = true
                i += 1
                continue
            } else if c == "\n" || c == "\r\n" || c == "\r" {
                row.append(field)
                if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
                row = []
                field = ""
                atFieldStart = true
                i += 1
                continue
            } else {
                field.append(c)
            }
            atFieldStart = false
            i += 1
        }
        return rows
    }
}
