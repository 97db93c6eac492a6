struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case data
        case variableBegin
        case variableEnd
        case blockBegin
        case blockEnd
        case name
        case string
        case integer
        case float
        case `operator`
        case eof
    }

    var kind: Kind
    /// Data text, the name, the decoded string literal, or the operator.
    var text: String
    var line: Int
    var column: Int
    var intValue: Int = 0
    var doubleValue: Double = 0

    func isOperator(_ op: String) -> Bool { kind == .operator && text == op }
    func isName(_ n: String) -> Bool { kind == .name && text == n }

    var describe: String {
        switch kind {
        case .data: return "template data"
        case .variableBegin: return "'{{'"
        case .variableEnd: return "'}}'"
        case .blockBegin: return "'{%'"
        case .blockEnd: return "'%}'"
        case .eof: return "end of template"
        case .string: return "string"
        case .integer, .float: return "'\(text)'"
        default: return "'\(text)'"
        }
    }
}
