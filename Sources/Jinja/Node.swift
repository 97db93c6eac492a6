// The parsed form of templates and expressions. Immutable, so a compiled template renders concurrently.

enum BinaryOp: String, Sendable {
    case add = "+"
    case sub = "-"
    case mul = "*"
    case div = "/"
    case floorDiv = "//"
    case mod = "%"
    case pow = "**"
}

enum CompareOp: String, Sendable {
    case eq = "=="
    case ne = "!="
    case lt = "<"
    case le = "<="
    case gt = ">"
    case ge = ">="
    case `in` = "in"
    case notIn = "not in"
}

struct CallArguments: Sendable {
    var positional: [Expr] = []
    var named: [(String, Expr)] = []
}

/// A filter application with its implementation resolved at compile time.
final class FilterCall: Sendable {
    let name: String
    let function: Filter
    let acceptsUndefined: Bool
    let arguments: CallArguments
    let line: Int

    init(name: String, function: @escaping Filter, acceptsUndefined: Bool, arguments: CallArguments, line: Int) {
        self.name = name
        self.function = function
        self.acceptsUndefined = acceptsUndefined
        self.arguments = arguments
        self.line = line
    }
}

final class TestCall: Sendable {
    let name: String
    let function: Test
    let arguments: CallArguments
    let negated: Bool

    init(name: String, function: @escaping Test, arguments: CallArguments, negated: Bool) {
        self.name = name
        self.function = function
        self.arguments = arguments
        self.negated = negated
    }
}

indirect enum Expr: Sendable {
    case literal(Value)
    case name(String, line: Int)
    case attribute(Expr, String)
    case item(Expr, Expr)
    case slice(Expr, Expr?, Expr?, Expr?)
    case list([Expr])
    case tuple([Expr])
    case dict([(Expr, Expr)])
    case negate(Expr)
    case plus(Expr)
    case binary(BinaryOp, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case not(Expr)
    case compare(Expr, [(CompareOp, Expr)])
    case concat([Expr])
    case conditional(test: Expr, then: Expr, otherwise: Expr?)
    case filter(Expr, FilterCall)
    case test(Expr, TestCall)
    case call(Expr, CallArguments, line: Int)

    /// A readable path (`server.port`, `hosts[0]`) for undefined-variable messages.
    var path: String? {
        switch self {
        case .name(let n, _): return n
        case .attribute(let e, let a): return e.path.map { "\($0).\(a)" }
        case .item(let e, let k):
            guard let base = e.path else { return nil }
            if case .literal(let v) = k, let r = try? v.pythonRepr() { return "\(base)[\(r)]" }
            return "\(base)[...]"
        default: return nil
        }
    }
}

indirect enum AssignTarget: Sendable {
    case name(String)
    case tuple([AssignTarget])
    /// `ns.attr` on a `namespace()` object.
    case attribute(String, String)
}

final class ForLoop: Sendable {
    let target: AssignTarget
    let iterable: Expr
    let condition: Expr?
    let body: [Stmt]
    let otherwise: [Stmt]
    let recursive: Bool
    let line: Int
    /// Whether the body mentions `loop`; when it does not, the loop object is never built.
    let usesLoop: Bool

    init(
        target: AssignTarget, iterable: Expr, condition: Expr?, body: [Stmt], otherwise: [Stmt], recursive: Bool,
        line: Int, usesLoop: Bool
    ) {
        self.target = target
        self.iterable = iterable
        self.condition = condition
        self.body = body
        self.otherwise = otherwise
        self.recursive = recursive
        self.line = line
        self.usesLoop = usesLoop
    }
}

final class MacroDefinition: Sendable {
    let name: String
    let parameters: [(String, Expr?)]
    let body: [Stmt]
    let line: Int
    let usesCaller: Bool

    init(name: String, parameters: [(String, Expr?)], body: [Stmt], line: Int, usesCaller: Bool) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.line = line
        self.usesCaller = usesCaller
    }
}

indirect enum Stmt: Sendable {
    case text(String)
    case output(Expr, line: Int)
    case ifChain([(Expr, [Stmt])], otherwise: [Stmt], line: Int)
    case forLoop(ForLoop)
    case set(AssignTarget, Expr, line: Int)
    case setBlock(String, filters: [FilterCall], body: [Stmt], line: Int)
    case macro(MacroDefinition)
    case callBlock(call: Expr, caller: MacroDefinition, line: Int)
    case include(Expr, ignoreMissing: Bool, withContext: Bool, line: Int)
    case importAs(Expr, name: String, withContext: Bool, line: Int)
    case fromImport(Expr, names: [(String, String)], withContext: Bool, line: Int)
    case filterBlock([FilterCall], body: [Stmt], line: Int)
    case with([(AssignTarget, Expr)], body: [Stmt], line: Int)
    case block(String, body: [Stmt], line: Int)
    case extends(Expr, line: Int)
}
