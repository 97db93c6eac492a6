/// A template failed to compile or render. The description is the user-facing message:
/// `file:line:col: what went wrong`, the source line and a caret under the column when known.
public struct TemplateError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        case syntax
        case undefined
        case unknownFilter
        case unknownTest
        case type
        case templateNotFound
        /// Raised by the template itself (`mandatory`, a failing filter).
        case runtime
    }

    public var kind: Kind
    public var message: String
    /// The template's name (file path for files, "<string>" for inline strings); nil until located.
    public var templateName: String?
    public var line: Int?
    public var column: Int?
    /// The offending source line, shown with a caret under `column`.
    public var sourceLine: String?
    /// For undefined-variable errors: the variable the chain started from.
    public var variable: String?

    public init(
        _ kind: Kind, _ message: String, templateName: String? = nil, line: Int? = nil, column: Int? = nil,
        sourceLine: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.templateName = templateName
        self.line = line
        self.column = column
        self.sourceLine = sourceLine
    }

    static func undefined(_ u: Undefined) -> TemplateError {
        var e = TemplateError(.undefined, u.hint)
        e.variable = u.name
        return e
    }

    static func type(_ message: String) -> TemplateError { TemplateError(.type, message) }
    static func runtime(_ message: String) -> TemplateError { TemplateError(.runtime, message) }

    /// Fills in the location unless a more precise one (from an included template) is already set.
    func located(_ name: String, line: Int, source: String? = nil) -> TemplateError {
        guard templateName == nil else { return self }
        var e = self
        e.templateName = name
        e.line = line
        if let source, line > 0 {
            e.sourceLine = TemplateError.line(line, of: source)
        }
        return e
    }

    static func line(_ n: Int, of source: String) -> String? {
        var current = 1
        for l in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == n { return String(l) }
            current += 1
        }
        return nil
    }

    public var description: String {
        var where_ = templateName ?? "<template>"
        if let line { where_ += ":\(line)" }
        if let column { where_ += ":\(column)" }
        var text = "\(where_): \(kindLabel)\(message)"
        if let sourceLine {
            text += "\n    " + sourceLine
            if let column {
                // Tabs keep their width so the caret lines up under the offending character.
                let pad = sourceLine.prefix(max(0, column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
                text += "\n    " + pad + "^"
            }
        }
        return text
    }

    private var kindLabel: String {
        switch kind {
        case .syntax: return "syntax error: "
        case .undefined: return "undefined variable: "
        case .unknownFilter, .unknownTest: return ""
        case .type: return "type error: "
        case .templateNotFound: return "template not found: "
        case .runtime: return ""
        }
    }
}
