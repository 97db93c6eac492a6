/// Splits template source into tokens with jinja2's exact whitespace rules (trim_blocks, lstrip_blocks,
/// `-`/`+` modifiers, raw blocks). Works on UTF-8 bytes: every delimiter is ASCII.
struct Lexer {
    let src: [UInt8]
    let options: TemplateOptions
    let name: String
    let source: String
    var pos = 0
    var line = 1
    var lineStart = 0
    var tokens: [Token] = []
    var lineStarting = true
    /// Inside `{{ }}`: where Ansible's `escape_backslashes` keeps string literals' backslashes.
    var inVariable = false

    init(source: String, name: String, options: TemplateOptions) {
        self.source = source
        self.name = name
        self.options = options
        self.src = Array(source.utf8)
    }

    /// jinja2 turns `\r\n` and `\r` into `\n` and drops one trailing newline unless asked to keep it.
    static func normalize(_ source: String, keepTrailingNewline: Bool) -> String {
        var s = source
        if s.utf8.contains(13) {
            s = s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        if !keepTrailingNewline && s.utf8.last == 10 { s.removeLast() }
        return s
    }

    func error(_ message: String, line: Int, column: Int) -> TemplateError {
        TemplateError(
            .syntax, message, templateName: name, line: line, column: column,
            sourceLine: TemplateError.line(line, of: source))
    }

    var column: Int { columnAt(pos) }

    func columnAt(_ p: Int) -> Int {
        // Column in characters, not bytes, so the caret lines up.
        String(decoding: src[lineStart..<min(p, src.count)], as: UTF8.self).count + 1
    }

    mutating func advanceLines(from a: Int, to b: Int) {
        var i = a
        while i < b {
            if src[i] == 10 {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 || c == 11 || c == 12 }

    func at(_ i: Int, _ c: UInt8) -> Bool { i < src.count && src[i] == c }

    func startsWith(_ i: Int, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard i + n <= src.count else { return false }
        let p = s.utf8Start
        for k in 0..<n where src[i + k] != p[k] { return false }
        return true
    }

    mutating func emitData(_ a: Int, _ b: Int, line dataLine: Int) {
        guard b > a else { return }
        tokens.append(Token(kind: .data, text: String(decoding: src[a..<b], as: UTF8.self), line: dataLine, column: 1))
    }

    /// Applies `{%-` stripping or lstrip_blocks to the text before a tag; returns the new end of the text.
    func stripBefore(textStart: Int, textEnd: Int, modifier: UInt8?, isVariable: Bool) -> Int {
        if modifier == UInt8(ascii: "-") {
            var e = textEnd
            while e > textStart && Lexer.isSpace(src[e - 1]) { e -= 1 }
            return e
        }
        if modifier != UInt8(ascii: "+") && options.lstripBlocks && !isVariable {
            var l = textEnd
            while l > textStart && src[l - 1] != 10 { l -= 1 }
            if l > textStart || lineStarting {
                var allSpace = l < textEnd
                for k in l..<textEnd where !Lexer.isSpace(src[k]) {
                    allSpace = false
                    break
                }
                if allSpace { return l }
            }
        }
        return textEnd
    }

    mutating func tokenize() throws -> [Token] {
        let n = src.count
        while pos < n {
            // Find the next tag opener.
            var i = pos
            var found = -1
            while i + 1 < n {
                if src[i] == UInt8(ascii: "{") {
                    let c = src[i + 1]
                    if c == UInt8(ascii: "{") || c == UInt8(ascii: "%") || c == UInt8(ascii: "#") {
                        found = i
                        break
                    }
                }
                i += 1
            }
            if found < 0 {
                emitData(pos, n, line: line)
                advanceLines(from: pos, to: n)
                pos = n
                break
            }
            let kindByte = src[found + 1]
            var modifier: UInt8? = nil
            if found + 2 < n && (src[found + 2] == UInt8(ascii: "-") || src[found + 2] == UInt8(ascii: "+")) {
                modifier = src[found + 2]
            }
            let isRaw = kindByte == UInt8(ascii: "%") && rawBeginEnd(at: found) != nil
            let textEnd = stripBefore(
                textStart: pos, textEnd: found, modifier: modifier, isVariable: kindByte == UInt8(ascii: "{"))
            let dataLine = line
            emitData(pos, textEnd, line: dataLine)
            advanceLines(from: pos, to: found)
            pos = found
            let tagLine = line
            let tagColumn = column
            pos = found + 2 + (modifier == nil ? 0 : 1)
            if isRaw {
                try lexRaw(tagStart: found)
            } else if kindByte == UInt8(ascii: "#") {
                try lexComment(line: tagLine, column: tagColumn)
            } else if kindByte == UInt8(ascii: "{") {
                tokens.append(Token(kind: .variableBegin, text: "{{", line: tagLine, column: tagColumn))
                inVariable = true
                try lexTag(isBlock: false)
            } else {
                tokens.append(Token(kind: .blockBegin, text: "{%", line: tagLine, column: tagColumn))
                try lexTag(isBlock: true)
            }
        }
        tokens.append(Token(kind: .eof, text: "", line: line, column: column))
        return tokens
    }

    /// If a `{% raw %}` opener starts at `i`, the offset just after it (with `-%}` whitespace stripping).
    func rawBeginEnd(at i: Int) -> Int? {
        var p = i + 2
        if at(p, UInt8(ascii: "-")) || at(p, UInt8(ascii: "+")) { p += 1 }
        while p < src.count && Lexer.isSpace(src[p]) { p += 1 }
        guard startsWith(p, "raw") else { return nil }
        p += 3
        while p < src.count && Lexer.isSpace(src[p]) { p += 1 }
        if startsWith(p, "-%}") {
            p += 3
            while p < src.count && Lexer.isSpace(src[p]) { p += 1 }
            return p
        }
        if startsWith(p, "%}") { return p + 2 }
        return nil
    }

    mutating func lexRaw(tagStart: Int) throws {
        let startLine = line
        let startColumn = columnAt(tagStart)
        let bodyStart = rawBeginEnd(at: tagStart)!
        lineStarting = bodyStart > 0 && src[bodyStart - 1] == 10
        var i = bodyStart
        while i + 1 < src.count {
            if src[i] == UInt8(ascii: "{") && src[i + 1] == UInt8(ascii: "%") {
                var p = i + 2
                var modifier: UInt8? = nil
                if at(p, UInt8(ascii: "-")) || at(p, UInt8(ascii: "+")) {
                    modifier = src[p]
                    p += 1
                }
                while p < src.count && Lexer.isSpace(src[p]) { p += 1 }
                if startsWith(p, "endraw") {
                    p += 6
                    while p < src.count && Lexer.isSpace(src[p]) { p += 1 }
                    var end: Int? = nil
                    if startsWith(p, "+%}") {
                        end = p + 3
                    } else if startsWith(p, "-%}") {
                        end = p + 3
                        while end! < src.count && Lexer.isSpace(src[end!]) { end! += 1 }
                    } else if startsWith(p, "%}") {
                        end = p + 2
                        if options.trimBlocks && at(end!, 10) { end! += 1 }
                    }
                    if let end {
                        let textEnd = stripBefore(
                            textStart: bodyStart, textEnd: i, modifier: modifier, isVariable: false)
                        emitData(bodyStart, textEnd, line: line)
                        advanceLines(from: tagStart, to: end)
                        pos = end
                        lineStarting = src[end - 1] == 10
                        return
                    }
                }
            }
            i += 1
        }
        throw error("missing end of raw directive: add `{% endraw %}`", line: startLine, column: startColumn)
    }

    mutating func lexComment(line startLine: Int, column startColumn: Int) throws {
        var i = pos
        while i < src.count {
            if startsWith(i, "+#}") {
                finishTag(from: i, to: i + 3)
                return
            }
            if startsWith(i, "-#}") {
                var e = i + 3
                while e < src.count && Lexer.isSpace(src[e]) { e += 1 }
                finishTag(from: i, to: e)
                return
            }
            if startsWith(i, "#}") {
                var e = i + 2
                if options.trimBlocks && at(e, 10) { e += 1 }
                finishTag(from: i, to: e)
                return
            }
            i += 1
        }
        throw error("missing end of comment tag: add `#}`", line: startLine, column: startColumn)
    }

    mutating func finishTag(from i: Int, to e: Int) {
        advanceLines(from: pos, to: e)
        pos = e
        lineStarting = src[e - 1] == 10
    }

    /// Lexes the whole source as the inside of a `{{ }}` tag (for bare expressions).
    mutating func lexExpressionOnly() throws {
        try lexTag(isBlock: false, untilEnd: true)
        tokens.append(Token(kind: .eof, text: "", line: line, column: column))
    }

    mutating func lexTag(isBlock: Bool, untilEnd: Bool = false) throws {
        var balance: [UInt8] = []
        let n = src.count
        while true {
            if balance.isEmpty && !untilEnd {
                if isBlock {
                    if startsWith(pos, "+%}") {
                        tokens.append(Token(kind: .blockEnd, text: "%}", line: line, column: column))
                        finishTag(from: pos, to: pos + 3)
                        return
                    }
                    if startsWith(pos, "-%}") {
                        tokens.append(Token(kind: .blockEnd, text: "%}", line: line, column: column))
                        var e = pos + 3
                        while e < n && Lexer.isSpace(src[e]) { e += 1 }
                        finishTag(from: pos, to: e)
                        return
                    }
                    if startsWith(pos, "%}") {
                        tokens.append(Token(kind: .blockEnd, text: "%}", line: line, column: column))
                        var e = pos + 2
                        if options.trimBlocks && at(e, 10) { e += 1 }
                        finishTag(from: pos, to: e)
                        return
                    }
                } else {
                    if startsWith(pos, "-}}") {
                        tokens.append(Token(kind: .variableEnd, text: "}}", line: line, column: column))
                        inVariable = false
                        var e = pos + 3
                        while e < n && Lexer.isSpace(src[e]) { e += 1 }
                        finishTag(from: pos, to: e)
                        return
                    }
                    if startsWith(pos, "}}") {
                        tokens.append(Token(kind: .variableEnd, text: "}}", line: line, column: column))
                        inVariable = false
                        finishTag(from: pos, to: pos + 2)
                        return
                    }
                }
            }
            guard pos < n else {
                if untilEnd && balance.isEmpty { return }
                throw error(
                    "unexpected end of template: the \(isBlock ? "`{%`" : "`{{`") tag is never closed",
                    line: line, column: column)
            }
            let c = src[pos]
            if Lexer.isSpace(c) {
                if c == 10 {
                    line += 1
                    lineStart = pos + 1
                }
                pos += 1
                continue
            }
            let tokLine = line
            let tokCol = column
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                try lexNumber(line: tokLine, column: tokCol)
                continue
            }
            if c == UInt8(ascii: "_") || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z")) || c >= 0x80 {
                var e = pos + 1
                while e < n {
                    let d = src[e]
                    if d == UInt8(ascii: "_") || (d | 0x20 >= UInt8(ascii: "a") && d | 0x20 <= UInt8(ascii: "z"))
                        || (d >= UInt8(ascii: "0") && d <= UInt8(ascii: "9")) || d >= 0x80
                    {
                        e += 1
                    } else {
                        break
                    }
                }
                tokens.append(
                    Token(
                        kind: .name, text: String(decoding: src[pos..<e], as: UTF8.self), line: tokLine,
                        column: tokCol))
                pos = e
                continue
            }
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                try lexString(quote: c, line: tokLine, column: tokCol)
                continue
            }
            // Operators, longest first.
            var op: String? = nil
            for candidate in ["//", "**", "==", "!=", ">=", "<="] where startsWith2(pos, candidate) {
                op = candidate
                break
            }
            if op == nil {
                switch c {
                case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "*"), UInt8(ascii: "%"),
                    UInt8(ascii: "~"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "("), UInt8(ascii: ")"),
                    UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ">"), UInt8(ascii: "<"), UInt8(ascii: "="),
                    UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "|"), UInt8(ascii: ","), UInt8(ascii: ";"):
                    op = String(UnicodeScalar(c))
                default:
                    throw error("unexpected character '\(String(UnicodeScalar(c)))'", line: tokLine, column: tokCol)
                }
            }
            let o = op!
            switch o {
            case "{": balance.append(UInt8(ascii: "}"))
            case "(": balance.append(UInt8(ascii: ")"))
            case "[": balance.append(UInt8(ascii: "]"))
            case "}", ")", "]":
                guard let expected = balance.popLast() else {
                    throw error("unexpected '\(o)'", line: tokLine, column: tokCol)
                }
                if expected != o.utf8.first! {
                    throw error(
                        "unexpected '\(o)', expected '\(String(UnicodeScalar(expected)))'", line: tokLine,
                        column: tokCol)
                }
            default: break
            }
            tokens.append(Token(kind: .operator, text: o, line: tokLine, column: tokCol))
            pos += o.utf8.count
        }
    }

    func startsWith2(_ i: Int, _ s: String) -> Bool {
        let u = Array(s.utf8)
        guard i + u.count <= src.count else { return false }
        for k in 0..<u.count where src[i + k] != u[k] { return false }
        return true
    }

    mutating func lexNumber(line tokLine: Int, column tokCol: Int) throws {
        let n = src.count
        func digits(_ p: inout Int, _ ok: (UInt8) -> Bool) {
            while p < n && (ok(src[p]) || (src[p] == UInt8(ascii: "_") && p + 1 < n && ok(src[p + 1]))) { p += 1 }
        }
        let isDigit: (UInt8) -> Bool = { $0 >= 48 && $0 <= 57 }
        var p = pos
        // Prefixed integers.
        if src[p] == UInt8(ascii: "0") && p + 1 < n {
            let x = src[p + 1] | 0x20
            let radix: Int? =
                x == UInt8(ascii: "x") ? 16 : x == UInt8(ascii: "o") ? 8 : x == UInt8(ascii: "b") ? 2 : nil
            if let radix {
                var e = p + 2
                digits(&e) { c in
                    let l = c | 0x20
                    switch radix {
                    case 16: return isDigit(c) || (l >= 97 && l <= 102)
                    case 8: return c >= 48 && c <= 55
                    default: return c == 48 || c == 49
                    }
                }
                let text = String(decoding: src[(p + 2)..<e], as: UTF8.self).replacingOccurrences(of: "_", with: "")
                guard let v = Int(text, radix: radix) else {
                    throw error("invalid number literal", line: tokLine, column: tokCol)
                }
                tokens.append(Token(kind: .integer, text: String(v), line: tokLine, column: tokCol, intValue: v))
                pos = e
                return
            }
        }
        digits(&p, isDigit)
        var isFloat = false
        if p + 1 < n && src[p] == UInt8(ascii: ".") && isDigit(src[p + 1]) {
            p += 1
            digits(&p, isDigit)
            isFloat = true
        }
        if p < n && (src[p] | 0x20) == UInt8(ascii: "e") {
            var q = p + 1
            if q < n && (src[q] == UInt8(ascii: "+") || src[q] == UInt8(ascii: "-")) { q += 1 }
            if q < n && isDigit(src[q]) {
                digits(&q, isDigit)
                p = q
                isFloat = true
            }
        }
        let text = String(decoding: src[pos..<p], as: UTF8.self).replacingOccurrences(of: "_", with: "")
        if isFloat {
            tokens.append(
                Token(kind: .float, text: text, line: tokLine, column: tokCol, doubleValue: Double(text) ?? 0))
        } else {
            guard let v = Int(text) else {
                throw error("integer literal \(text) is too large", line: tokLine, column: tokCol)
            }
            tokens.append(Token(kind: .integer, text: text, line: tokLine, column: tokCol, intValue: v))
        }
        pos = p
    }

    mutating func lexString(quote: UInt8, line tokLine: Int, column tokCol: Int) throws {
        var p = pos + 1
        var bytes: [UInt8] = []
        let n = src.count
        while true {
            guard p < n else { throw error("unterminated string literal", line: tokLine, column: tokCol) }
            let c = src[p]
            if c == quote { break }
            if c == 10 {
                line += 1
                lineStart = p + 1
            }
            if c == UInt8(ascii: "\\") && p + 1 < n && options.escapeBackslashes && inVariable {
                // Ansible doubles the backslashes of `{{ }}` string literals in playbook values before
                // jinja2 decodes escapes, so `'\d+'` written in YAML reaches the filter as `\d+`.
                if src[p + 1] == 10 {
                    line += 1
                    lineStart = p + 2
                }
                bytes.append(92)
                bytes.append(src[p + 1])
                p += 2
                continue
            }
            if c == UInt8(ascii: "\\") && p + 1 < n {
                let e = src[p + 1]
                p += 2
                switch e {
                case UInt8(ascii: "n"): bytes.append(10)
                case UInt8(ascii: "t"): bytes.append(9)
                case UInt8(ascii: "r"): bytes.append(13)
                case UInt8(ascii: "\\"): bytes.append(92)
                case UInt8(ascii: "'"): bytes.append(39)
                case UInt8(ascii: "\""): bytes.append(34)
                case UInt8(ascii: "a"): bytes.append(7)
                case UInt8(ascii: "b"): bytes.append(8)
                case UInt8(ascii: "f"): bytes.append(12)
                case UInt8(ascii: "v"): bytes.append(11)
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var v = Int(e - 48)
                    var k = 0
                    while k < 2 && p < n && src[p] >= 48 && src[p] <= 55 {
                        v = v * 8 + Int(src[p] - 48)
                        p += 1
                        k += 1
                    }
                    bytes.append(contentsOf: Array(String(UnicodeScalar(UInt8(v & 0xff))).utf8))
                case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let width = e == UInt8(ascii: "x") ? 2 : e == UInt8(ascii: "u") ? 4 : 8
                    guard p + width <= n,
                        let v = UInt32(String(decoding: src[p..<(p + width)], as: UTF8.self), radix: 16),
                        let scalar = UnicodeScalar(v)
                    else {
                        throw error(
                            "invalid \\\(String(UnicodeScalar(e))) escape in string literal", line: tokLine,
                            column: tokCol)
                    }
                    bytes.append(contentsOf: Array(String(scalar).utf8))
                    p += width
                case 10:
                    line += 1
                    lineStart = p
                default:
                    bytes.append(92)
                    bytes.append(e)
                }
                continue
            }
            bytes.append(c)
            p += 1
        }
        tokens.append(Token(kind: .string, text: String(decoding: bytes, as: UTF8.self), line: tokLine, column: tokCol))
        pos = p + 1
    }
}
