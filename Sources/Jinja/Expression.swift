/// A compiled bare expression, evaluated against variables: the playbook engine's `when`, `until`, `loop`.
public struct Expression: Sendable {
    public let source: String
    let expr: Expr
    let environment: Environment
    let name: String

    init(source: String, name: String, environment: Environment) throws {
        self.source = source
        self.name = name
        self.environment = environment
        var lexer = Lexer(source: source, name: name, options: environment.options)
        // Lex as the inside of a `{{ }}` tag.
        lexer.tokens = [Token(kind: .variableBegin, text: "{{", line: 1, column: 1)]
        try lexer.lexExpressionOnly()
        var parser = Parser(tokens: lexer.tokens, environment: environment, name: name, source: source)
        _ = parser.next()
        let e = try parser.parseTuple()
        guard parser.current.kind == .eof else {
            throw parser.fail("unexpected \(parser.current.describe) after the expression")
        }
        expr = e
    }

    public func evaluate(_ variables: any VariableResolver) throws -> Value {
        let r = Renderer(environment: environment, resolver: variables)
        do {
            return try r.eval(expr)
        } catch let error as TemplateError {
            throw error.located(name, line: 1, source: source)
        }
    }

    /// Python truthiness of the result; an undefined variable is an error.
    public func isTrue(_ variables: any VariableResolver) throws -> Bool {
        let r = Renderer(environment: environment, resolver: variables)
        do {
            return try r.eval(expr).truthy()
        } catch let error as TemplateError {
            throw error.located(name, line: 1, source: source)
        }
    }
}
