/// A compiled template. Immutable: render it any number of times, from any number of threads.
public final class Template: Sendable {
    public let name: String
    public let source: String
    let body: [Stmt]
    let environment: Environment
    let options: TemplateOptions
    /// Trailing newlines of the original source, for Ansible's `preserve_trailing_newlines`.
    let trailingNewlines: Int

    init(source rawSource: String, name: String, environment: Environment) throws {
        self.name = name
        var options = environment.options
        var src = rawSource
        try Template.applyOverrides(&src, &options, name: name)
        self.options = options
        self.trailingNewlines = Template.countTrailingNewlines(src)
        let normalized = Lexer.normalize(src, keepTrailingNewline: options.keepTrailingNewline)
        self.source = normalized
        var lexer = Lexer(source: normalized, name: name, options: options)
        let tokens = try lexer.tokenize()
        var parser = Parser(tokens: tokens, environment: environment, name: name, source: normalized)
        self.body = try parser.parseTemplate()
        self.environment = environment
    }

    /// True when the string holds template syntax and so needs rendering.
    public static func containsSyntax(_ s: String) -> Bool {
        var prev: UInt8 = 0
        for c in s.utf8 {
            if prev == UInt8(ascii: "{") && (c == UInt8(ascii: "{") || c == UInt8(ascii: "%") || c == UInt8(ascii: "#"))
            {
                return true
            }
            prev = c
        }
        return false
    }

    static func countTrailingNewlines(_ s: String) -> Int {
        var n = 0
        for c in s.utf8.reversed() {
            guard c == 10 else { break }
            n += 1
        }
        return n
    }

    /// Ansible's `#jinja2: trim_blocks: False, lstrip_blocks: True` first line.
    static func applyOverrides(_ src: inout String, _ options: inout TemplateOptions, name: String) throws {
        guard src.hasPrefix("#jinja2:") else { return }
        let eol = src.firstIndex(of: "\n") ?? src.endIndex
        let line = src[src.index(src.startIndex, offsetBy: 8)..<eol]
        src = eol < src.endIndex ? String(src[src.index(after: eol)...]) : ""
        for pair in line.split(separator: ",") {
            let kv = pair.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, kv[1] == "True" || kv[1] == "False" else {
                throw TemplateError(
                    .syntax, "the #jinja2: header expects `key: True|False` pairs, got '\(pair)'",
                    templateName: name, line: 1, column: 1)
            }
            let on = kv[1] == "True"
            switch kv[0] {
            case "trim_blocks": options.trimBlocks = on
            case "lstrip_blocks": options.lstripBlocks = on
            case "keep_trailing_newline": options.keepTrailingNewline = on
            default:
                throw TemplateError(
                    .syntax,
                    "unsupported #jinja2: option '\(kv[0])' (supported: trim_blocks, lstrip_blocks, "
                        + "keep_trailing_newline)", templateName: name, line: 1, column: 1)
            }
        }
    }

    /// Renders with the given variables.
    public func render(_ variables: any VariableResolver = ValueDict()) throws -> String {
        let r = Renderer(environment: environment, resolver: variables)
        var out = try r.renderTop(self)
        if options.preserveTrailingNewlines {
            let have = Template.countTrailingNewlines(out)
            if trailingNewlines > have { out += String(repeating: "\n", count: trailingNewlines - have) }
        }
        return out
    }

    /// When the template is exactly one `{{ expression }}`, that expression's value; otherwise the rendered
    /// string.
    public func evaluate(_ variables: any VariableResolver) throws -> Value {
        if body.count == 1, case .output(let e, let line) = body[0] {
            let r = Renderer(environment: environment, resolver: variables)
            r.push(self)
            do {
                return try r.eval(e)
            } catch let error as TemplateError {
                throw error.located(name, line: line, source: source)
            }
        }
        return .string(try render(variables))
    }
}
