/// Recursive-descent parser following jinja2's grammar and operator precedence.
struct Parser {
    var tokens: [Token]
    var i = 0
    let environment: Environment
    let name: String
    let source: String
    var sawLoop = false
    var sawCaller = false
    var sawInclude = false

    init(tokens: [Token], environment: Environment, name: String, source: String) {
        self.tokens = tokens
        self.environment = environment
        self.name = name
        self.source = source
    }

    var current: Token { tokens[i] }
    var peekToken: Token { tokens[min(i + 1, tokens.count - 1)] }

    mutating func next() -> Token {
        let t = tokens[i]
        if i < tokens.count - 1 { i += 1 }
        return t
    }

    func fail(_ message: String, at token: Token? = nil) -> TemplateError {
        let t = token ?? current
        return TemplateError(
            .syntax, message, templateName: name, line: t.line, column: t.column,
            sourceLine: TemplateError.line(t.line, of: source))
    }

    mutating func expectOperator(_ op: String) throws {
        guard current.isOperator(op) else {
            throw fail("expected '\(op)', got \(current.describe)")
        }
        _ = next()
    }

    mutating func expectName() throws -> String {
        guard current.kind == .name else { throw fail("expected a name, got \(current.describe)") }
        return next().text
    }

    mutating func expectBlockEnd() throws {
        guard current.kind == .blockEnd else {
            throw fail("expected end of statement block '%}', got \(current.describe)")
        }
        _ = next()
    }

    mutating func skipOperator(_ op: String) -> Bool {
        if current.isOperator(op) {
            _ = next()
            return true
        }
        return false
    }

    mutating func skipName(_ n: String) -> Bool {
        if current.isName(n) {
            _ = next()
            return true
        }
        return false
    }

    // MARK: Templates

    mutating func parseTemplate() throws -> [Stmt] {
        let body = try subparse(endTokens: [])
        if current.kind != .eof { throw fail("unexpected \(current.describe)") }
        return body
    }

    /// Parses statements until a `{% name %}` with a name in `endTokens`; leaves the parser on that name.
    mutating func subparse(endTokens: Set<String>, opener: Token? = nil) throws -> [Stmt] {
        var body: [Stmt] = []
        while true {
            let t = current
            switch t.kind {
            case .data:
                _ = next()
                if case .text(let previous)? = body.last {
                    body[body.count - 1] = .text(previous + t.text)
                } else {
                    body.append(.text(t.text))
                }
            case .variableBegin:
                _ = next()
                let e = try parseTuple()
                guard current.kind == .variableEnd else {
                    throw fail("expected end of print statement '}}', got \(current.describe)")
                }
                _ = next()
                if case .literal(let v) = e, let text = constantText(v) {
                    if case .text(let previous)? = body.last {
                        body[body.count - 1] = .text(previous + text)
                    } else {
                        body.append(.text(text))
                    }
                } else {
                    body.append(.output(e, line: t.line))
                }
            case .blockBegin:
                _ = next()
                if current.kind == .name && endTokens.contains(current.text) { return body }
                body.append(try parseStatement())
            case .eof:
                if !endTokens.isEmpty {
                    let expected = endTokens.sorted().map { "'\($0)'" }.joined(separator: " or ")
                    let what = opener.map { " (the block opened at line \($0.line))" } ?? ""
                    throw fail("unexpected end of template: expected \(expected)\(what)")
                }
                return body
            default:
                throw fail("unexpected \(t.describe)")
            }
        }
    }

    mutating func parseStatement() throws -> Stmt {
        let t = current
        guard t.kind == .name else { throw fail("expected a statement name, got \(t.describe)") }
        switch t.text {
        case "if": return try parseIf()
        case "for": return try parseFor()
        case "set": return try parseSet()
        case "macro": return try parseMacro()
        case "call": return try parseCallBlock()
        case "include": return try parseInclude()
        case "import": return try parseImport()
        case "from": return try parseFrom()
        case "filter": return try parseFilterBlock()
        case "with": return try parseWith()
        case "block": return try parseBlock()
        case "extends":
            _ = next()
            let e = try parseExpression()
            try expectBlockEnd()
            return .extends(e, line: t.line)
        default:
            let known = [
                "if", "for", "set", "macro", "call", "include", "import", "from", "filter", "with", "block",
                "extends", "raw",
            ]
            if t.text.hasPrefix("end") || ["elif", "else"].contains(t.text) {
                throw fail("unexpected '\(t.text)': there is no open block it could close")
            }
            var message = "unknown statement '\(t.text)'"
            if let s = Suggestion.closest(to: t.text, in: known) { message += "; did you mean '\(s)'?" }
            throw fail(message)
        }
    }

    mutating func parseIf() throws -> Stmt {
        let opener = next()
        var branches: [(Expr, [Stmt])] = []
        var otherwise: [Stmt] = []
        var cond = try parseTuple(withCondexpr: false)
        try expectBlockEnd()
        while true {
            let body = try subparse(endTokens: ["elif", "else", "endif"], opener: opener)
            branches.append((cond, body))
            let kw = next().text
            if kw == "elif" {
                cond = try parseTuple(withCondexpr: false)
                try expectBlockEnd()
                continue
            }
            if kw == "else" {
                try expectBlockEnd()
                otherwise = try subparse(endTokens: ["endif"], opener: opener)
                _ = next()
            }
            try expectBlockEnd()
            break
        }
        return .ifChain(branches, otherwise: otherwise, line: opener.line)
    }

    mutating func parseAssignTarget(allowAttribute: Bool, allowTuple: Bool = true) throws -> AssignTarget {
        func one(_ p: inout Parser) throws -> AssignTarget {
            if p.current.isOperator("(") {
                _ = p.next()
                let t = try p.parseAssignTarget(allowAttribute: false)
                try p.expectOperator(")")
                return t
            }
            let n = try p.expectName()
            if allowAttribute && p.current.isOperator(".") {
                _ = p.next()
                let attr = try p.expectName()
                return .attribute(n, attr)
            }
            return .name(n)
        }
        var targets = [try one(&self)]
        if !allowTuple { return targets[0] }
        var isTuple = false
        while current.isOperator(",") {
            isTuple = true
            _ = next()
            if current.kind != .name && !current.isOperator("(") { break }
            targets.append(try one(&self))
        }
        return isTuple ? .tuple(targets) : targets[0]
    }

    mutating func parseFor() throws -> Stmt {
        let opener = next()
        let target = try parseAssignTarget(allowAttribute: false)
        guard skipName("in") else { throw fail("expected 'in' in for loop, got \(current.describe)") }
        let iterable = try parseTuple(withCondexpr: false, extraEnd: ["recursive"])
        var condition: Expr? = nil
        if skipName("if") { condition = try parseExpression() }
        let recursive = skipName("recursive")
        try expectBlockEnd()
        let savedLoop = sawLoop
        let savedInclude = sawInclude
        sawLoop = false
        sawInclude = false
        let body = try subparse(endTokens: ["endfor", "else"], opener: opener)
        let usesLoop = sawLoop || recursive
        sawLoop = savedLoop
        sawInclude = savedInclude || sawInclude
        var otherwise: [Stmt] = []
        if next().text == "else" {
            try expectBlockEnd()
            otherwise = try subparse(endTokens: ["endfor"], opener: opener)
            _ = next()
        }
        try expectBlockEnd()
        return .forLoop(
            ForLoop(
                target: target, iterable: iterable, condition: condition, body: body,
                otherwise: otherwise, recursive: recursive, line: opener.line, usesLoop: usesLoop))
    }

    mutating func parseSet() throws -> Stmt {
        let opener = next()
        let target = try parseAssignTarget(allowAttribute: true)
        if skipOperator("=") {
            let value = try parseTuple()
            try expectBlockEnd()
            return .set(target, value, line: opener.line)
        }
        guard case .name(let n) = target else {
            throw fail("expected '=' after the target of set, got \(current.describe)")
        }
        var filters: [FilterCall] = []
        while skipOperator("|") { filters.append(try parseFilterCall()) }
        try expectBlockEnd()
        let body = try subparse(endTokens: ["endset"], opener: opener)
        _ = next()
        try expectBlockEnd()
        return .setBlock(n, filters: filters, body: body, line: opener.line)
    }

    mutating func parseSignature() throws -> [(String, Expr?)] {
        var params: [(String, Expr?)] = []
        try expectOperator("(")
        while !current.isOperator(")") {
            if !params.isEmpty { try expectOperator(",") }
            if current.isOperator(")") { break }
            let n = try expectName()
            var def: Expr? = nil
            if skipOperator("=") { def = try parseExpression() }
            params.append((n, def))
        }
        _ = next()
        return params
    }

    mutating func parseMacro() throws -> Stmt {
        let opener = next()
        let n = try expectName()
        let params = try parseSignature()
        try expectBlockEnd()
        let savedCaller = sawCaller
        sawCaller = false
        let body = try subparse(endTokens: ["endmacro"], opener: opener)
        let usesCaller = sawCaller
        sawCaller = savedCaller
        _ = next()
        if current.kind == .name { _ = next() }  // `{% endmacro name %}` is allowed
        try expectBlockEnd()
        return .macro(
            MacroDefinition(
                name: n, parameters: params, body: body, line: opener.line,
                usesCaller: usesCaller))
    }

    mutating func parseCallBlock() throws -> Stmt {
        let opener = next()
        var params: [(String, Expr?)] = []
        if current.isOperator("(") { params = try parseSignature() }
        let call = try parseExpression()
        guard case .call = call else { throw fail("expected a macro call after 'call'", at: opener) }
        try expectBlockEnd()
        let body = try subparse(endTokens: ["endcall"], opener: opener)
        _ = next()
        try expectBlockEnd()
        let caller = MacroDefinition(
            name: "caller", parameters: params, body: body, line: opener.line,
            usesCaller: false)
        return .callBlock(call: call, caller: caller, line: opener.line)
    }

    mutating func parseContextModifier(default value: Bool) throws -> Bool {
        if current.isName("with") || current.isName("without") {
            if peekToken.isName("context") {
                let w = next().text == "with"
                _ = next()
                return w
            }
        }
        return value
    }

    mutating func parseInclude() throws -> Stmt {
        let opener = next()
        sawInclude = true
        let target = try parseExpression()
        var ignoreMissing = false
        if current.isName("ignore") && peekToken.isName("missing") {
            _ = next()
            _ = next()
            ignoreMissing = true
        }
        let withContext = try parseContextModifier(default: true)
        try expectBlockEnd()
        return .include(target, ignoreMissing: ignoreMissing, withContext: withContext, line: opener.line)
    }

    mutating func parseImport() throws -> Stmt {
        let opener = next()
        let target = try parseExpression()
        guard skipName("as") else { throw fail("expected 'as' after the template name in import") }
        let alias = try expectName()
        let withContext = try parseContextModifier(default: false)
        try expectBlockEnd()
        return .importAs(target, name: alias, withContext: withContext, line: opener.line)
    }

    mutating func parseFrom() throws -> Stmt {
        let opener = next()
        let target = try parseExpression()
        guard skipName("import") else { throw fail("expected 'import' in from-import") }
        var names: [(String, String)] = []
        var withContext = false
        while true {
            if current.isName("with") || current.isName("without"), peekToken.isName("context") {
                withContext = try parseContextModifier(default: false)
                break
            }
            if !names.isEmpty {
                guard skipOperator(",") else { break }
                if current.isName("with") || current.isName("without") { continue }
            }
            let n = try expectName()
            var alias = n
            if skipName("as") { alias = try expectName() }
            names.append((n, alias))
            if current.kind == .blockEnd { break }
        }
        try expectBlockEnd()
        return .fromImport(target, names: names, withContext: withContext, line: opener.line)
    }

    mutating func parseFilterBlock() throws -> Stmt {
        let opener = next()
        var filters = [try parseFilterCall()]
        while skipOperator("|") { filters.append(try parseFilterCall()) }
        try expectBlockEnd()
        let body = try subparse(endTokens: ["endfilter"], opener: opener)
        _ = next()
        try expectBlockEnd()
        return .filterBlock(filters, body: body, line: opener.line)
    }

    mutating func parseWith() throws -> Stmt {
        let opener = next()
        var assignments: [(AssignTarget, Expr)] = []
        while current.kind != .blockEnd {
            if !assignments.isEmpty { try expectOperator(",") }
            let target = try parseAssignTarget(allowAttribute: false, allowTuple: false)
            try expectOperator("=")
            assignments.append((target, try parseExpression()))
        }
        try expectBlockEnd()
        let body = try subparse(endTokens: ["endwith"], opener: opener)
        _ = next()
        try expectBlockEnd()
        return .with(assignments, body: body, line: opener.line)
    }

    mutating func parseBlock() throws -> Stmt {
        let opener = next()
        let n = try expectName()
        _ = skipName("scoped")
        _ = skipName("required")
        try expectBlockEnd()
        let body = try subparse(endTokens: ["endblock"], opener: opener)
        _ = next()
        if current.kind == .name { _ = next() }
        try expectBlockEnd()
        return .block(n, body: body, line: opener.line)
    }

    // MARK: Constant folding

    /// Evaluates an expression whose operands are all literals once, at compile time, as jinja2's optimizer
    /// does. Anything that fails (1/0 in a branch never taken) is left for render time and its error there.
    func folded(_ e: Expr) -> Expr {
        guard Parser.operandsAreConstant(e) else { return e }
        let r = Renderer(environment: environment, resolver: nil)
        guard let v = try? r.eval(e) else { return e }
        switch v {
        case .undefined, .object: return e
        default: return .literal(v)
        }
    }

    static func isLiteral(_ e: Expr) -> Bool {
        if case .literal = e { return true }
        return false
    }

    static func operandsAreConstant(_ e: Expr) -> Bool {
        func args(_ a: CallArguments) -> Bool {
            a.positional.allSatisfy(isLiteral) && a.named.allSatisfy { isLiteral($0.1) }
        }
        switch e {
        case .literal: return false
        case .negate(let x), .plus(let x), .not(let x), .attribute(let x, _): return isLiteral(x)
        case .binary(_, let a, let b), .and(let a, let b), .or(let a, let b), .item(let a, let b):
            return isLiteral(a) && isLiteral(b)
        case .compare(let a, let ops): return isLiteral(a) && ops.allSatisfy { isLiteral($0.1) }
        case .concat(let items), .tuple(let items): return items.allSatisfy(isLiteral)
        case .dict(let pairs): return pairs.allSatisfy { isLiteral($0.0) && isLiteral($0.1) }
        case .slice(let b, let x, let y, let z):
            return isLiteral(b) && [x, y, z].allSatisfy { $0.map(isLiteral) ?? true }
        case .conditional(let t, let a, let b): return isLiteral(t) && isLiteral(a) && (b.map(isLiteral) ?? true)
        case .filter(let x, let f): return isLiteral(x) && args(f.arguments)
        case .test(let x, let t): return isLiteral(x) && args(t.arguments)
        case .call(.attribute(let receiver, let method), let a, _):
            // Methods of literal strings/dicts/lists (`'{}:{}'.format(a, b)` with literal a, b) are pure.
            let mutating: Set<String> = [
                "append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear",
                "update", "setdefault",
            ]
            return isLiteral(receiver) && args(a) && !mutating.contains(method)
        default: return false
        }
    }

    /// What `{{ constant }}` prints, or nil when printing it could fail and must wait for render time.
    func constantText(_ v: Value) -> String? {
        if case .none = v { return environment.options.noneAsEmpty ? "" : "None" }
        return try? v.pythonString()
    }

    // MARK: Expressions

    /// An expression, or a tuple when commas follow (`{{ a, b }}`, `for k, v in ...`).
    mutating func parseTuple(withCondexpr: Bool = true, extraEnd: Set<String> = []) throws -> Expr {
        var items: [Expr] = []
        var isTuple = false
        while true {
            if !items.isEmpty {
                guard skipOperator(",") else { break }
                isTuple = true
            }
            if isTupleEnd(extraEnd) { break }
            items.append(withCondexpr ? try parseExpression() : try parseOr())
            if !current.isOperator(",") { break }
        }
        if !isTuple {
            guard let e = items.first else { throw fail("expected an expression, got \(current.describe)") }
            return e
        }
        return folded(.tuple(items))
    }

    func isTupleEnd(_ extra: Set<String>) -> Bool {
        let t = current
        switch t.kind {
        case .variableEnd, .blockEnd, .eof: return true
        case .operator: return t.text == ")" || t.text == "]" || t.text == "}"
        case .name: return extra.contains(t.text) || t.text == "in" || t.text == "if"
        default: return false
        }
    }

    mutating func parseExpression() throws -> Expr {
        let e = try parseOr()
        if current.isName("if") {
            _ = next()
            let test = try parseOr()
            var otherwise: Expr? = nil
            if skipName("else") { otherwise = try parseExpression() }
            return folded(.conditional(test: test, then: e, otherwise: otherwise))
        }
        return e
    }

    mutating func parseOr() throws -> Expr {
        var e = try parseAnd()
        while skipName("or") { e = folded(.or(e, try parseAnd())) }
        return e
    }

    mutating func parseAnd() throws -> Expr {
        var e = try parseNot()
        while skipName("and") { e = folded(.and(e, try parseNot())) }
        return e
    }

    mutating func parseNot() throws -> Expr {
        if skipName("not") { return folded(.not(try parseNot())) }
        return try parseCompare()
    }

    mutating func parseCompare() throws -> Expr {
        let left = try parseMath1()
        var ops: [(CompareOp, Expr)] = []
        while true {
            let t = current
            if t.kind == .operator, let op = CompareOp(rawValue: t.text), op != .in, op != .notIn {
                _ = next()
                ops.append((op, try parseMath1()))
            } else if t.isName("in") {
                _ = next()
                ops.append((.in, try parseMath1()))
            } else if t.isName("not") && peekToken.isName("in") {
                _ = next()
                _ = next()
                ops.append((.notIn, try parseMath1()))
            } else {
                break
            }
        }
        return ops.isEmpty ? left : folded(.compare(left, ops))
    }

    mutating func parseMath1() throws -> Expr {
        var e = try parseConcat()
        while current.kind == .operator && (current.text == "+" || current.text == "-") {
            let op: BinaryOp = next().text == "+" ? .add : .sub
            e = folded(.binary(op, e, try parseConcat()))
        }
        return e
    }

    mutating func parseConcat() throws -> Expr {
        var items = [try parseMath2()]
        while skipOperator("~") { items.append(try parseMath2()) }
        return items.count == 1 ? items[0] : folded(.concat(items))
    }

    mutating func parseMath2() throws -> Expr {
        var e = try parsePow()
        while current.kind == .operator, ["*", "/", "//", "%"].contains(current.text) {
            let op = BinaryOp(rawValue: next().text)!
            e = folded(.binary(op, e, try parsePow()))
        }
        return e
    }

    mutating func parsePow() throws -> Expr {
        var e = try parseUnary()
        while skipOperator("**") { e = folded(.binary(.pow, e, try parseUnary())) }
        return e
    }

    mutating func parseUnary(withFilter: Bool = true) throws -> Expr {
        var e: Expr
        if skipOperator("-") {
            e = folded(.negate(try parseUnary(withFilter: false)))
        } else if skipOperator("+") {
            e = folded(.plus(try parseUnary(withFilter: false)))
        } else {
            e = try parsePrimary()
        }
        e = try parsePostfix(e)
        if withFilter { e = try parseFilterExpr(e) }
        return e
    }

    mutating func parsePrimary() throws -> Expr {
        let t = current
        switch t.kind {
        case .name:
            _ = next()
            switch t.text {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            case "loop": sawLoop = true
            case "caller": sawCaller = true
            default: break
            }
            return .name(t.text, line: t.line)
        case .string:
            var s = next().text
            while current.kind == .string { s += next().text }
            return .literal(.string(s))
        case .integer:
            _ = next()
            return .literal(.int(t.intValue))
        case .float:
            _ = next()
            return .literal(.double(t.doubleValue))
        case .operator:
            if t.text == "(" {
                _ = next()
                if skipOperator(")") { return .tuple([]) }
                let e = try parseTuple()
                try expectOperator(")")
                return e
            }
            if t.text == "[" {
                _ = next()
                var items: [Expr] = []
                while !current.isOperator("]") {
                    if !items.isEmpty { try expectOperator(",") }
                    if current.isOperator("]") { break }
                    items.append(try parseExpression())
                }
                _ = next()
                if items.allSatisfy({ if case .literal = $0 { return true } else { return false } }) {
                    return .literal(
                        .list(items.map { if case .literal(let v) = $0 { return v } else { return .none } }))
                }
                return .list(items)
            }
            if t.text == "{" {
                _ = next()
                var items: [(Expr, Expr)] = []
                while !current.isOperator("}") {
                    if !items.isEmpty { try expectOperator(",") }
                    if current.isOperator("}") { break }
                    let k = try parseExpression()
                    try expectOperator(":")
                    items.append((k, try parseExpression()))
                }
                _ = next()
                return folded(.dict(items))
            }
        default: break
        }
        throw fail("unexpected \(t.describe)")
    }

    mutating func parsePostfix(_ base: Expr) throws -> Expr {
        var e = base
        while true {
            if current.isOperator(".") {
                _ = next()
                let t = current
                if t.kind == .name {
                    _ = next()
                    e = folded(.attribute(e, t.text))
                } else if t.kind == .integer {
                    _ = next()
                    e = folded(.item(e, .literal(.int(t.intValue))))
                } else {
                    throw fail("expected an attribute name after '.', got \(t.describe)")
                }
            } else if current.isOperator("[") {
                _ = next()
                e = folded(try parseSubscript(e))
            } else if current.isOperator("(") {
                let line = current.line
                e = folded(.call(e, try parseCallArguments(), line: line))
            } else {
                return e
            }
        }
    }

    mutating func parseSubscript(_ base: Expr) throws -> Expr {
        var parts: [Expr?] = []
        var current_: Expr? = nil
        var isSlice = false
        while !current.isOperator("]") {
            if skipOperator(":") {
                isSlice = true
                parts.append(current_)
                current_ = nil
                continue
            }
            current_ = try parseExpression()
        }
        _ = next()
        if !isSlice {
            guard let k = current_ else { throw fail("expected a subscript expression") }
            return .item(base, k)
        }
        parts.append(current_)
        while parts.count < 3 { parts.append(nil) }
        return .slice(base, parts[0], parts[1], parts[2])
    }

    mutating func parseCallArguments() throws -> CallArguments {
        try expectOperator("(")
        var args = CallArguments()
        while !current.isOperator(")") {
            if !args.positional.isEmpty || !args.named.isEmpty { try expectOperator(",") }
            if current.isOperator(")") { break }
            if current.kind == .name && peekToken.isOperator("=") {
                let n = next().text
                _ = next()
                args.named.append((n, try parseExpression()))
            } else {
                if !args.named.isEmpty { throw fail("positional argument follows keyword argument") }
                args.positional.append(try parseExpression())
            }
        }
        _ = next()
        return args
    }

    mutating func parseFilterExpr(_ base: Expr) throws -> Expr {
        var e = base
        while true {
            if current.isOperator("|") {
                _ = next()
                e = folded(.filter(e, try parseFilterCall()))
            } else if current.isName("is") {
                _ = next()
                e = folded(.test(e, try parseTestCall()))
            } else if current.isOperator("(") {
                let line = current.line
                e = .call(e, try parseCallArguments(), line: line)
            } else {
                return e
            }
        }
    }

    mutating func parseDottedName() throws -> (String, Token) {
        let t = current
        var n = try expectName()
        while current.isOperator(".") {
            _ = next()
            n += "." + (try expectName())
        }
        return (n, t)
    }

    mutating func parseFilterCall() throws -> FilterCall {
        let (n, t) = try parseDottedName()
        guard let f = environment.filters[n] ?? environment.filters[Environment.shortName(n)] else {
            var message = "no filter named '\(n)'"
            if let s = Suggestion.closest(to: n, in: Array(environment.filters.keys)) {
                message += "; did you mean '\(s)'?"
            }
            var e = fail(message, at: t)
            e.kind = .unknownFilter
            throw e
        }
        let args = current.isOperator("(") ? try parseCallArguments() : CallArguments()
        return FilterCall(
            name: n, function: f, acceptsUndefined: Environment.undefinedFilters.contains(n),
            arguments: args, line: t.line)
    }

    mutating func parseTestCall() throws -> TestCall {
        let negated = skipName("not")
        let (n, t) = try parseDottedName()
        guard let f = environment.tests[n] ?? environment.tests[Environment.shortName(n)] else {
            var message = "no test named '\(n)'"
            if let s = Suggestion.closest(to: n, in: Array(environment.tests.keys)) {
                message += "; did you mean '\(s)'?"
            }
            var e = fail(message, at: t)
            e.kind = .unknownTest
            throw e
        }
        var args = CallArguments()
        if current.isOperator("(") {
            args = try parseCallArguments()
        } else if [.name, .string, .integer, .float].contains(current.kind)
            || current.isOperator("[") || current.isOperator("{") || current.isOperator("(")
        {
            if !(current.isName("else") || current.isName("or") || current.isName("and")) {
                if current.isName("is") { throw fail("you cannot chain multiple tests with 'is'") }
                args.positional = [try parsePostfix(try parsePrimary())]
            }
        }
        return TestCall(name: n, function: f, arguments: args, negated: negated)
    }
}
