import Foundation

/// Python's `'%s' % x` and `'{}'.format(x)` string formatting, for the common specifiers.
enum PythonFormat {
    struct Spec {
        var fill: Character = " "
        var align: Character? = nil
        var sign: Character? = nil
        var alternate = false
        var zero = false
        var width = 0
        var grouping = false
        var precision: Int? = nil
        var type: Character? = nil
    }

    static func percent(_ fmt: String, _ args: Value) throws -> String {
        var positional: [Value]
        var mapping: ValueDict? = nil
        switch args {
        case .tuple(let l): positional = l
        case .dict(let d):
            mapping = d
            positional = [args]
        default: positional = [args]
        }
        var out = ""
        let chars = Array(fmt)
        var i = 0
        var argIndex = 0
        func nextArg() throws -> Value {
            guard argIndex < positional.count else {
                throw TemplateError.type("not enough arguments for format string")
            }
            defer { argIndex += 1 }
            return positional[argIndex]
        }
        while i < chars.count {
            let c = chars[i]
            guard c == "%" else {
                out.append(c)
                i += 1
                continue
            }
            i += 1
            guard i < chars.count else { throw TemplateError.runtime("incomplete format") }
            if chars[i] == "%" {
                out.append("%")
                i += 1
                continue
            }
            var key: String? = nil
            if chars[i] == "(" {
                guard let close = chars[i...].firstIndex(of: ")") else {
                    throw TemplateError.runtime("incomplete format key")
                }
                key = String(chars[(i + 1)..<close])
                i = close + 1
            }
            var spec = Spec()
            while i < chars.count, "-+ 0#".contains(chars[i]) {
                switch chars[i] {
                case "-": spec.align = "<"
                case "+": spec.sign = "+"
                case " ": spec.sign = " "
                case "0": spec.zero = true
                default: spec.alternate = true
                }
                i += 1
            }
            var w = ""
            while i < chars.count, chars[i].isNumber {
                w.append(chars[i])
                i += 1
            }
            if i < chars.count, chars[i] == "*" {
                spec.width = try nextArg().intValue ?? 0
                i += 1
            }
            if !w.isEmpty { spec.width = Int(w)! }
            if i < chars.count, chars[i] == "." {
                i += 1
                var p = ""
                while i < chars.count, chars[i].isNumber {
                    p.append(chars[i])
                    i += 1
                }
                spec.precision = Int(p) ?? 0
            }
            guard i < chars.count else { throw TemplateError.runtime("incomplete format") }
            spec.type = chars[i]
            i += 1
            let v: Value
            if let key {
                guard let m = mapping, let found = m[key] else {
                    throw TemplateError.runtime("KeyError: '\(key)' in format string")
                }
                v = found
            } else {
                v = try nextArg()
            }
            if spec.align == nil { spec.align = ">" }
            if spec.zero && spec.align == ">" && "diouxXeEfFgG".contains(spec.type!) {
                spec.align = "="
                spec.fill = "0"
            }
            out += try render(v, spec, percentStyle: true)
        }
        if mapping == nil && argIndex < positional.count, case .tuple = args {
            throw TemplateError.type("not all arguments converted during string formatting")
        }
        return out
    }

    static func format(_ fmt: String, _ args: Arguments) throws -> String {
        var out = ""
        let chars = Array(fmt)
        var i = 0
        var auto = 0
        while i < chars.count {
            let c = chars[i]
            if c == "{" {
                if i + 1 < chars.count && chars[i + 1] == "{" {
                    out.append("{")
                    i += 2
                    continue
                }
                guard let close = chars[i...].firstIndex(of: "}") else {
                    throw TemplateError.runtime("Single '{' encountered in format string")
                }
                let field = String(chars[(i + 1)..<close])
                i = close + 1
                var name = field
                var specText = ""
                if let colon = field.firstIndex(of: ":") {
                    name = String(field[..<colon])
                    specText = String(field[field.index(after: colon)...])
                }
                var conversion: Character? = nil
                if let bang = name.firstIndex(of: "!") {
                    conversion = name[name.index(after: bang)...].first
                    name = String(name[..<bang])
                }
                var path = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                let head = path.removeFirst()
                var v: Value
                if head.isEmpty {
                    guard auto < args.positional.count else {
                        throw TemplateError.runtime("IndexError: Replacement index \(auto) out of range")
                    }
                    v = args.positional[auto]
                    auto += 1
                } else if let n = Int(head) {
                    guard n < args.positional.count else {
                        throw TemplateError.runtime("IndexError: Replacement index \(n) out of range")
                    }
                    v = args.positional[n]
                } else {
                    guard let found = args.get(head) else { throw TemplateError.runtime("KeyError: '\(head)'") }
                    v = found
                }
                for attr in path {
                    guard let next = v[attr] else { throw TemplateError.runtime("AttributeError: '\(attr)'") }
                    v = next
                }
                if conversion == "r" { v = .string(try v.pythonRepr()) }
                if conversion == "s" { v = .string(try v.pythonString()) }
                out += try render(v, try parseSpec(specText, for: v), percentStyle: false)
                continue
            }
            if c == "}" {
                if i + 1 < chars.count && chars[i + 1] == "}" { i += 1 }
                out.append("}")
                i += 1
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    static func parseSpec(_ text: String, for v: Value) throws -> Spec {
        var spec = Spec()
        var chars = Array(text)[...]
        if chars.count >= 2, "<>=^".contains(chars[chars.startIndex + 1]) {
            spec.fill = chars.first!
            spec.align = chars[chars.startIndex + 1]
            chars = chars.dropFirst(2)
        } else if let f = chars.first, "<>=^".contains(f) {
            spec.align = f
            chars = chars.dropFirst()
        }
        if let f = chars.first, "+- ".contains(f) {
            spec.sign = f
            chars = chars.dropFirst()
        }
        if chars.first == "#" {
            spec.alternate = true
            chars = chars.dropFirst()
        }
        if chars.first == "0" {
            spec.zero = true
            chars = chars.dropFirst()
        }
        var w = ""
        while let f = chars.first, f.isNumber {
            w.append(f)
            chars = chars.dropFirst()
        }
        spec.width = Int(w) ?? 0
        if chars.first == "," {
            spec.grouping = true
            chars = chars.dropFirst()
        }
        if chars.first == "." {
            chars = chars.dropFirst()
            var p = ""
            while let f = chars.first, f.isNumber {
                p.append(f)
                chars = chars.dropFirst()
            }
            spec.precision = Int(p) ?? 0
        }
        spec.type = chars.first
        if spec.zero && spec.align == nil {
            spec.fill = "0"
            spec.align = "="
        }
        if spec.align == nil {
            switch v {
            case .int, .double, .bool: spec.align = ">"
            default: spec.align = "<"
            }
        }
        return spec
    }

    static func render(_ v: Value, _ spec: Spec, percentStyle: Bool) throws -> String {
        var body: String
        var sign = ""
        switch spec.type {
        case "d", "i", "u":
            guard let d = v.numericValue else {
                throw TemplateError.type("%d format: a number is required, not \(v.typeName)")
            }
            let i = Int(d)
            sign = i < 0 ? "-" : (spec.sign.map { $0 == "-" ? "" : String($0) } ?? "")
            body = String(i.magnitude)
            if spec.grouping { body = group(body) }
        case "x", "X", "o", "b":
            guard let i = v.intValue ?? v.numericValue.map({ Int($0) }) else {
                throw TemplateError.type("%\(spec.type!) format: an integer is required, not \(v.typeName)")
            }
            sign = i < 0 ? "-" : ""
            let radix = spec.type == "o" ? 8 : spec.type == "b" ? 2 : 16
            body = String(i.magnitude, radix: radix, uppercase: spec.type == "X")
            if spec.alternate {
                body = (spec.type == "o" ? "0o" : spec.type == "b" ? "0b" : (spec.type == "X" ? "0X" : "0x")) + body
            }
        case "f", "F", "e", "E", "g", "G", "%":
            guard var d = v.numericValue else { throw TemplateError.type("must be real number, not \(v.typeName)") }
            if spec.type == "%" { d *= 100 }
            sign = d < 0 || (d == 0 && d.sign == .minus) ? "-" : (spec.sign.map { $0 == "-" ? "" : String($0) } ?? "")
            let p = spec.precision ?? 6
            let t = spec.type == "%" ? "f" : String(spec.type!)
            body = String(format: "%\(spec.alternate ? "#" : "").\(p)\(t)", abs(d))
            if spec.grouping {
                let parts = body.split(separator: ".", maxSplits: 1)
                body = group(String(parts[0])) + (parts.count > 1 ? "." + parts[1] : "")
            }
            if spec.type == "%" { body += "%" }
        case "r", "a":
            body = try v.pythonRepr()
        case "c":
            if let i = v.intValue, let u = UnicodeScalar(i) {
                body = String(Character(u))
            } else {
                body = try v.pythonString()
            }
        case nil where !percentStyle:
            switch v {
            case .double(let d) where spec.precision != nil:
                sign = d < 0 ? "-" : (spec.sign.map { $0 == "-" ? "" : String($0) } ?? "")
                body = String(format: "%.\(spec.precision!)g", abs(d))
                if !body.contains(".") && !body.contains("e") && !body.contains("inf") && !body.contains("nan") {
                    body += ".0"
                }
            case .int(let i) where spec.sign != nil || spec.grouping:
                sign = i < 0 ? "-" : (spec.sign.map { $0 == "-" ? "" : String($0) } ?? "")
                body = String(i.magnitude)
                if spec.grouping { body = group(body) }
            default:
                body = try v.pythonString()
                if let p = spec.precision, case .string = v { body = String(body.prefix(p)) }
            }
        default:
            body = try v.pythonString()
            if let p = spec.precision { body = String(body.prefix(p)) }
        }
        let content = sign + body
        let n = content.count
        guard spec.width > n else { return content }
        let pad = spec.width - n
        let fill = String(spec.fill)
        switch spec.align {
        case "<": return content + String(repeating: fill, count: pad)
        case "^":
            let left = pad / 2
            return String(repeating: fill, count: left) + content + String(repeating: fill, count: pad - left)
        case "=": return sign + String(repeating: fill, count: pad) + body
        default: return String(repeating: fill, count: pad) + content
        }
    }

    static func group(_ digits: String) -> String {
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}
