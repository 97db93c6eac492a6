import Foundation

/// YAML output as PyYAML's `yaml.dump` writes it (`to_yaml`, `to_nice_yaml`): sorted keys, indentless
/// sequences under mapping keys, the same quoting choices and the same line folding at 80 columns.
/// Follows the structure of PyYAML's emitter so the bytes match.
struct YAMLDumper {
    let bestIndent: Int
    let bestWidth = 80
    /// nil: collections of scalars only are written in flow style (`[1, 2]`); false: always block style.
    let defaultFlowStyle: Bool?
    let sortKeys: Bool

    var out = ""
    var column = 0
    var indent: Int? = nil
    var indents: [Int?] = []
    var whitespace = true
    var indention = true
    var flowLevel = 0
    var openEnded = false
    var rootContext = false
    var mappingContext = false
    var simpleKeyContext = false

    init(indent: Int = 2, defaultFlowStyle: Bool?, sortKeys: Bool = true) {
        self.bestIndent = (indent > 1 && indent < 10) ? indent : 2
        self.defaultFlowStyle = defaultFlowStyle
        self.sortKeys = sortKeys
    }

    static func dump(_ v: Value, indent: Int = 2, defaultFlowStyle: Bool?, sortKeys: Bool = true) throws -> String {
        var d = YAMLDumper(indent: indent, defaultFlowStyle: defaultFlowStyle, sortKeys: sortKeys)
        try d.node(v, root: true, mapping: false, simpleKey: false)
        d.writeIndent()
        if d.openEnded {
            d.writeIndicator("...", needWhitespace: true)
            d.writeIndent()
        }
        return d.out
    }

    // MARK: Low-level writing

    mutating func write(_ s: String) {
        out += s
        column += s.unicodeScalars.count
    }

    mutating func writeIndicator(
        _ indicator: String, needWhitespace: Bool, whitespace ws: Bool = false,
        indention ind: Bool = false
    ) {
        write(whitespace || !needWhitespace ? indicator : " " + indicator)
        whitespace = ws
        indention = indention && ind
        openEnded = false
    }

    mutating func writeLineBreak(_ s: String = "\n") {
        whitespace = true
        indention = true
        out += s
        column = 0
    }

    mutating func writeIndent() {
        let ind = indent ?? 0
        if !indention || column > ind || (column == ind && !whitespace) { writeLineBreak() }
        if column < ind {
            whitespace = true
            out += String(repeating: " ", count: ind - column)
            column = ind
        }
    }

    mutating func increaseIndent(flow: Bool, indentless: Bool = false) {
        indents.append(indent)
        if indent == nil {
            indent = flow ? bestIndent : 0
        } else if !indentless {
            indent! += bestIndent
        }
    }

    mutating func popIndent() { indent = indents.removeLast() }

    // MARK: Nodes

    func isScalar(_ v: Value) -> Bool {
        switch v {
        case .list, .tuple, .dict: return false
        default: return true
        }
    }

    func flowStyle(_ items: [Value]) -> Bool {
        if let d = defaultFlowStyle { return d }
        return items.allSatisfy(isScalar)
    }

    func sortedPairs(_ d: ValueDict) -> [(Value, Value)] {
        let pairs = Array(d.pairs)
        guard sortKeys else { return pairs }
        return pairs.sorted { a, b in
            if let c = try? Value.compare(a.0, b.0) { return c < 0 }
            return ((try? a.0.pythonRepr()) ?? "") < ((try? b.0.pythonRepr()) ?? "")
        }
    }

    mutating func node(_ v: Value, root: Bool, mapping: Bool, simpleKey: Bool) throws {
        rootContext = root
        mappingContext = mapping
        simpleKeyContext = simpleKey
        switch v {
        case .list(let l), .tuple(let l):
            if flowLevel > 0 || l.isEmpty || flowStyle(l) {
                try flowSequence(l)
            } else {
                try blockSequence(l)
            }
        case .dict(let d):
            if flowLevel > 0 || d.isEmpty || flowStyle(Array(d.values)) {
                try flowMapping(d)
            } else {
                try blockMapping(d)
            }
        default:
            increaseIndent(flow: true)
            try scalar(v)
            popIndent()
        }
    }

    mutating func flowSequence(_ l: [Value]) throws {
        writeIndicator("[", needWhitespace: true, whitespace: true)
        flowLevel += 1
        increaseIndent(flow: true)
        for (i, item) in l.enumerated() {
            if i > 0 { writeIndicator(",", needWhitespace: false) }
            if column > bestWidth { writeIndent() }
            try node(item, root: false, mapping: false, simpleKey: false)
        }
        popIndent()
        flowLevel -= 1
        writeIndicator("]", needWhitespace: false)
    }

    mutating func flowMapping(_ d: ValueDict) throws {
        writeIndicator("{", needWhitespace: true, whitespace: true)
        flowLevel += 1
        increaseIndent(flow: true)
        for (i, (k, v)) in sortedPairs(d).enumerated() {
            if i > 0 { writeIndicator(",", needWhitespace: false) }
            if column > bestWidth { writeIndent() }
            try node(k, root: false, mapping: true, simpleKey: true)
            writeIndicator(":", needWhitespace: false)
            try node(v, root: false, mapping: true, simpleKey: false)
        }
        popIndent()
        flowLevel -= 1
        writeIndicator("}", needWhitespace: false)
    }

    mutating func blockSequence(_ l: [Value]) throws {
        let indentless = mappingContext && !indention
        increaseIndent(flow: false, indentless: indentless)
        for item in l {
            writeIndent()
            writeIndicator("-", needWhitespace: true, indention: true)
            try node(item, root: false, mapping: false, simpleKey: false)
        }
        popIndent()
    }

    mutating func blockMapping(_ d: ValueDict) throws {
        increaseIndent(flow: false)
        for (k, v) in sortedPairs(d) {
            writeIndent()
            try node(k, root: false, mapping: true, simpleKey: true)
            writeIndicator(":", needWhitespace: false)
            try node(v, root: false, mapping: true, simpleKey: false)
        }
        popIndent()
    }

    // MARK: Scalars

    mutating func scalar(_ v: Value) throws {
        let text: String
        var implicitPlain = true
        switch v {
        case .none: text = "null"
        case .bool(let b): text = b ? "true" : "false"
        case .int(let i): text = String(i)
        case .double(let d):
            if d.isNaN {
                text = ".nan"
            } else if d.isInfinite {
                text = d > 0 ? ".inf" : "-.inf"
            } else {
                var r = Value.pythonFloat(d).lowercased()
                if !r.contains(".") && r.contains("e") { r = r.replacingOccurrences(of: "e", with: ".0e") }
                text = r
            }
        case .string(let s):
            text = s
            implicitPlain = !YAMLDumper.resolvesToNonString(s)
        case .undefined(let u): throw TemplateError.undefined(u)
        case .object(let o): throw TemplateError.type("cannot represent an object of type \(o.typeName) in YAML")
        default: text = ""
        }
        let a = YAMLDumper.analyze(text)
        var style: Character = "\""
        if implicitPlain
            && !(simpleKeyContext && (a.empty || a.multiline))
            && ((flowLevel > 0 && a.allowFlowPlain) || (flowLevel == 0 && a.allowBlockPlain))
        {
            style = "p"
        } else if a.allowSingleQuoted && !(simpleKeyContext && a.multiline) {
            style = "'"
        }
        let split = !simpleKeyContext
        switch style {
        case "p": writePlain(text, split: split)
        case "'": writeSingleQuoted(text, split: split)
        default: writeDoubleQuoted(text, split: split)
        }
    }

    struct Analysis {
        var empty = false
        var multiline = false
        var allowFlowPlain = true
        var allowBlockPlain = true
        var allowSingleQuoted = true
    }

    static func isBreak(_ c: Unicode.Scalar) -> Bool {
        c == "\n" || c.value == 0x85 || c.value == 0x2028 || c.value == 0x2029
    }

    static func isWhiteOrEnd(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return true }
        return c == "\0" || c == " " || c == "\t" || c == "\r" || isBreak(c)
    }

    static func analyze(_ s: String) -> Analysis {
        if s.isEmpty { return Analysis(empty: true, multiline: false, allowFlowPlain: false, allowBlockPlain: true) }
        let cs = Array(s.unicodeScalars)
        var blockIndicators = false
        var flowIndicators = false
        var lineBreaks = false
        var special = false
        var leadingSpace = false
        var leadingBreak = false
        var trailingSpace = false
        var trailingBreak = false
        var breakSpace = false
        var spaceBreak = false
        if s.hasPrefix("---") || s.hasPrefix("...") {
            blockIndicators = true
            flowIndicators = true
        }
        var precededByWhitespace = true
        var followedByWhitespace = cs.count == 1 || isWhiteOrEnd(cs[1])
        var previousSpace = false
        var previousBreak = false
        for (index, ch) in cs.enumerated() {
            if index == 0 {
                if "#,[]{}&*!|>'\"%@`".unicodeScalars.contains(ch) {
                    flowIndicators = true
                    blockIndicators = true
                }
                if ch == "?" || ch == ":" {
                    flowIndicators = true
                    if followedByWhitespace { blockIndicators = true }
                }
                if ch == "-" && followedByWhitespace {
                    flowIndicators = true
                    blockIndicators = true
                }
            } else {
                if ",?[]{}".unicodeScalars.contains(ch) { flowIndicators = true }
                if ch == ":" {
                    flowIndicators = true
                    if followedByWhitespace { blockIndicators = true }
                }
                if ch == "#" && precededByWhitespace {
                    flowIndicators = true
                    blockIndicators = true
                }
            }
            if isBreak(ch) { lineBreaks = true }
            if !(ch == "\n" || (ch.value >= 0x20 && ch.value <= 0x7e)) {
                let v = ch.value
                let printable =
                    (v == 0x85 || (v >= 0xa0 && v <= 0xd7ff) || (v >= 0xe000 && v <= 0xfffd)
                        || (v >= 0x10000 && v < 0x10ffff)) && v != 0xfeff
                if !printable { special = true }
            }
            if ch == " " {
                if index == 0 { leadingSpace = true }
                if index == cs.count - 1 { trailingSpace = true }
                if previousBreak { breakSpace = true }
                previousSpace = true
                previousBreak = false
            } else if isBreak(ch) {
                if index == 0 { leadingBreak = true }
                if index == cs.count - 1 { trailingBreak = true }
                if previousSpace { spaceBreak = true }
                previousSpace = false
                previousBreak = true
            } else {
                previousSpace = false
                previousBreak = false
            }
            precededByWhitespace = isWhiteOrEnd(ch)
            followedByWhitespace = index + 2 >= cs.count || isWhiteOrEnd(cs[index + 2])
        }
        var a = Analysis()
        a.multiline = lineBreaks
        if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
            a.allowFlowPlain = false
            a.allowBlockPlain = false
        }
        if breakSpace {
            a.allowFlowPlain = false
            a.allowBlockPlain = false
            a.allowSingleQuoted = false
        }
        if spaceBreak || special {
            a.allowFlowPlain = false
            a.allowBlockPlain = false
            a.allowSingleQuoted = false
        }
        if lineBreaks {
            a.allowFlowPlain = false
            a.allowBlockPlain = false
        }
        if flowIndicators { a.allowFlowPlain = false }
        if blockIndicators { a.allowBlockPlain = false }
        return a
    }

    static let implicitResolvers: [NSRegularExpression] = [
        "^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
        "^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
            + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$",
        "^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
            + "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
        "^(?:<<)$",
        "^(?:~|null|Null|NULL|)$",
        "^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
            + "(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?"
            + "(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
        "^(?:=)$",
    ].map { try! NSRegularExpression(pattern: $0) }

    /// Whether PyYAML's resolver would read the plain scalar as something other than a string.
    static func resolvesToNonString(_ s: String) -> Bool {
        // Cheap dispatch on the first character (as PyYAML's resolver does); regexes only for number-like text.
        guard let first = s.utf8.first else { return true }
        switch first {
        case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"),
            UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"):
            return keywords.contains(s)
        case UInt8(ascii: "~"): return s == "~"
        case UInt8(ascii: "<"): return s == "<<"
        case UInt8(ascii: "="): return s == "="
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let range = NSRange(s.startIndex..., in: s)
            return [1, 2, 5].contains { implicitResolvers[$0].firstMatch(in: s, range: range) != nil }
        default:
            return false
        }
    }

    static let keywords: Set<String> = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON",
        "off", "Off", "OFF", "null", "Null", "NULL",
    ]

    mutating func writePlain(_ text: String, split: Bool) {
        if rootContext { openEnded = true }
        if text.isEmpty { return }
        if !whitespace { write(" ") }
        whitespace = false
        indention = false
        let cs = Array(text.unicodeScalars)
        var spaces = false
        var start = 0
        var end = 0
        while end <= cs.count {
            let ch: Unicode.Scalar? = end < cs.count ? cs[end] : nil
            if spaces {
                if ch != " " {
                    if start + 1 == end && column > bestWidth && split {
                        writeIndent()
                        whitespace = false
                        indention = false
                    } else {
                        write(String(String.UnicodeScalarView(cs[start..<end])))
                    }
                    start = end
                }
            } else if ch == nil || ch == " " || YAMLDumper.isBreak(ch!) {
                write(String(String.UnicodeScalarView(cs[start..<end])))
                start = end
            }
            if let ch { spaces = ch == " " }
            end += 1
        }
    }

    mutating func writeSingleQuoted(_ text: String, split: Bool) {
        writeIndicator("'", needWhitespace: true)
        let cs = Array(text.unicodeScalars)
        var spaces = false
        var breaks = false
        var start = 0
        var end = 0
        while end <= cs.count {
            let ch: Unicode.Scalar? = end < cs.count ? cs[end] : nil
            if spaces {
                if ch == nil || ch != " " {
                    if start + 1 == end && column > bestWidth && split && start != 0 && end != cs.count {
                        writeIndent()
                    } else {
                        write(String(String.UnicodeScalarView(cs[start..<end])))
                    }
                    start = end
                }
            } else if breaks {
                if ch == nil || !YAMLDumper.isBreak(ch!) {
                    if cs[start] == "\n" { writeLineBreak() }
                    for br in cs[start..<end] {
                        writeLineBreak(br == "\n" ? "\n" : String(br))
                    }
                    writeIndent()
                    start = end
                }
            } else if ch == nil || ch == " " || YAMLDumper.isBreak(ch!) || ch == "'" {
                if start < end {
                    write(String(String.UnicodeScalarView(cs[start..<end])))
                    start = end
                }
            }
            if ch == "'" {
                write("''")
                start = end + 1
            }
            if let ch {
                spaces = ch == " "
                breaks = YAMLDumper.isBreak(ch)
            }
            end += 1
        }
        writeIndicator("'", needWhitespace: false)
    }

    static let escapes: [UInt32: String] = [
        0: "0", 7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r", 27: "e", 34: "\"", 92: "\\", 0x85: "N",
        0xa0: "_", 0x2028: "L", 0x2029: "P",
    ]

    mutating func writeDoubleQuoted(_ text: String, split: Bool) {
        writeIndicator("\"", needWhitespace: true)
        let cs = Array(text.unicodeScalars)
        var start = 0
        var end = 0
        while end <= cs.count {
            let ch: Unicode.Scalar? = end < cs.count ? cs[end] : nil
            var needsEscape = ch == nil
            if let c = ch {
                let v = c.value
                needsEscape =
                    c == "\"" || c == "\\" || v == 0x85 || v == 0x2028 || v == 0x2029 || v == 0xfeff
                    || !((v >= 0x20 && v <= 0x7e) || (v >= 0xa0 && v <= 0xd7ff) || (v >= 0xe000 && v <= 0xfffd))
            }
            if needsEscape {
                if start < end {
                    write(String(String.UnicodeScalarView(cs[start..<end])))
                    start = end
                }
                if let c = ch {
                    let data: String
                    if let e = YAMLDumper.escapes[c.value] {
                        data = "\\" + e
                    } else if c.value <= 0xff {
                        data = "\\x" + Value.hex(c.value, width: 2).uppercased()
                    } else if c.value <= 0xffff {
                        data = "\\u" + Value.hex(c.value, width: 4).uppercased()
                    } else {
                        data = "\\U" + Value.hex(c.value, width: 8).uppercased()
                    }
                    write(data)
                    start = end + 1
                }
            }
            if end > 0 && end < cs.count - 1 && (ch == " " || start >= end) && column + (end - start) > bestWidth
                && split
            {
                var data = String(String.UnicodeScalarView(cs[start..<end])) + "\\"
                if start < end { start = end }
                write(data)
                writeIndent()
                whitespace = false
                indention = false
                if cs[start] == " " {
                    data = "\\"
                    write(data)
                }
            }
            end += 1
        }
        writeIndicator("\"", needWhitespace: false)
    }
}
