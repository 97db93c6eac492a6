import Foundation

/// Ansible's `key=value` module shorthand (`file: path=/srv state=directory mode=0755`):
/// words split like a shell (quotes group, and are removed), Python escapes (`\n`, `\t`, `\\`)
/// decoded as Ansible's `parse_kv` does. Words without `=` form the free-form text.
public enum KeyValueArguments {
    public struct Parsed: Equatable {
        public var pairs: [(String, String)]
        public var freeForm: String?

        public static func == (a: Parsed, b: Parsed) -> Bool {
            a.freeForm == b.freeForm && a.pairs.map { $0.0 + "=" + $0.1 } == b.pairs.map { $0.0 + "=" + $0.1 }
        }
    }

    /// - Parameter freeFormKeys: for command-like modules, only these keys are taken as
    ///   arguments (`chdir=/tmp ls -l`); every other word stays in the command line.
    public static func parse(_ text: String, freeFormKeys: Set<String>? = nil) throws -> Parsed {
        var pairs: [(String, String)] = []
        var rest: [String] = []
        for token in try tokens(text) {
            let decoded = decodeEscapes(token.text)
            if let eq = decoded.firstIndex(of: "="), eq != decoded.startIndex, !token.text.hasPrefix("\""),
                !token.text.hasPrefix("'")
            {
                let key = String(decoded[..<eq])
                let isIdentifier = key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
                if isIdentifier && (freeFormKeys == nil || freeFormKeys!.contains(key)) {
                    pairs.append((key, unquote(String(decoded[decoded.index(after: eq)...]))))
                    continue
                }
            }
            rest.append(token.raw)
        }
        return Parsed(pairs: pairs, freeForm: rest.isEmpty ? nil : rest.joined(separator: " "))
    }

    struct Token {
        var raw: String
        var text: String
    }

    /// Splits on unquoted whitespace outside `{{ }}`, `{% %}` and `{# #}`, keeping quotes inside
    /// the token (like Ansible's split_args).
    static func tokens(_ text: String) throws -> [Token] {
        var result: [Token] = []
        var current = ""
        var quote: Character?
        var escaped = false
        var jinjaDepth = 0
        var previous: Character = " "
        for c in text {
            defer { previous = c }
            if quote == nil {
                if previous == "{" && (c == "{" || c == "%" || c == "#") { jinjaDepth += 1 }
                if (previous == "}" || previous == "%" || previous == "#") && c == "}" && jinjaDepth > 0 { jinjaDepth -= 1 }
            }
            if jinjaDepth > 0 {
                current.append(c)
                continue
            }
            if escaped {
                current.append(c)
                escaped = false
                continue
            }
            if c == "\\" {
                current.append(c)
                escaped = true
                continue
            }
            if let q = quote {
                current.append(c)
                if c == q { quote = nil }
                continue
            }
            if c == "'" || c == "\"" {
                quote = c
                current.append(c)
            } else if c == " " || c == "\t" || c == "\n" {
                if !current.isEmpty { result.append(Token(raw: current, text: current)) }
                current = ""
            } else {
                current.append(c)
            }
        }
        if quote != nil { throw ShellWords.UnterminatedQuote() }
        if !current.isEmpty { result.append(Token(raw: current, text: current)) }
        return result
    }

    static func unquote(_ s: String) -> String {
        if s.count >= 2, let f = s.first, (f == "'" || f == "\""), s.last == f {
            return String(s.dropFirst().dropLast())
        }
        return s
    }

    /// Ansible's `_decode_escapes`: `\n`-style single-character escapes and `\x`, `\u`, `\U` hex escapes.
    static func decodeEscapes(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        var out = ""
        var it = Array(s.unicodeScalars)[...]
        while let c = it.popFirst() {
            guard c == "\\", let n = it.first else {
                out.unicodeScalars.append(c)
                continue
            }
            it.removeFirst()
            switch n {
            case "n": out += "\n"
            case "t": out += "\t"
            case "r": out += "\r"
            case "\\": out += "\\"
            case "'": out += "'"
            case "\"": out += "\""
            case "a": out += "\u{07}"
            case "b": out += "\u{08}"
            case "f": out += "\u{0C}"
            case "v": out += "\u{0B}"
            case "x", "u", "U":
                let width = n == "x" ? 2 : (n == "u" ? 4 : 8)
                let hex = String(String.UnicodeScalarView(it.prefix(width)))
                if hex.count == width, let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) {
                    out.unicodeScalars.append(scalar)
                    it.removeFirst(width)
                } else {
                    out += "\\" + String(n)
                }
            default:
                out += "\\" + String(n)
            }
        }
        return out
    }
}
