import Foundation

/// Splits and quotes words the way a POSIX shell does (`shlex` in Ansible's code), for
/// `key=value` module arguments, INI host lines and the command strings we send to hosts.
public enum ShellWords {
    public struct UnterminatedQuote: Error, CustomStringConvertible {
        public var description: String { "unterminated quote" }
    }

    public static func split(_ text: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var iterator = text.makeIterator()
        while let c = iterator.next() {
            if let q = quote {
                if c == q {
                    quote = nil
                } else if c == "\\" && q == "\"" {
                    if let n = iterator.next() {
                        if n != "\"" && n != "\\" && n != "$" && n != "`" { current.append("\\") }
                        current.append(n)
                    }
                } else {
                    current.append(c)
                }
            } else if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if c == "\\" {
                if let n = iterator.next() { current.append(n) }
                inWord = true
            } else if c == " " || c == "\t" || c == "\n" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
        }
        if quote != nil { throw UnterminatedQuote() }
        if inWord { words.append(current) }
        return words
    }

    /// Quotes one word for a POSIX shell: left bare when safe, else single-quoted.
    public static func quote(_ word: String) -> String {
        if word.isEmpty { return "''" }
        let safe = word.unicodeScalars.allSatisfy {
            ($0.value < 128 && ($0.properties.isAlphabetic || ("0"..."9").contains(Character($0))))
                || "@%+=:,./-_".unicodeScalars.contains($0)
        }
        if safe { return word }
        // Close the quote, an escaped quote, reopen: 'it'\''s'.
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
