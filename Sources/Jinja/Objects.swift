// Non-data values a template can hold: macros, functions, `loop`, `namespace()` and imported modules.
// They live for one render on one thread, hence `@unchecked Sendable`.

/// A callable built from a Swift closure (globals like `range`, bound methods, `super`).
public final class FunctionObject: TemplateObject, @unchecked Sendable {
    public let name: String
    let body: (Arguments, CallContext) throws -> Value

    public init(name: String, _ body: @escaping (Arguments, CallContext) throws -> Value) {
        self.name = name
        self.body = body
    }

    public var typeName: String { "function" }
    public var stringValue: String { "<function \(name)>" }
    public func call(_ arguments: Arguments, _ context: CallContext) throws -> Value? {
        try body(arguments, context)
    }
}

final class MacroObject: TemplateObject, @unchecked Sendable {
    let definition: MacroDefinition
    var closure: Frame?
    let template: Template?

    init(definition: MacroDefinition, closure: Frame, template: Template?) {
        self.definition = definition
        self.closure = closure
        self.template = template
    }

    var typeName: String { "Macro" }
    var stringValue: String { "<Macro '\(definition.name)'>" }

    func attribute(_ name: String) -> Value? {
        switch name {
        case "name": return .string(definition.name)
        case "arguments": return .tuple(definition.parameters.map { .string($0.0) })
        default: return nil
        }
    }

    func call(_ arguments: Arguments, _ context: CallContext) throws -> Value? {
        try context.renderer.callMacro(self, arguments)
    }
}

extension Renderer {
    func callMacro(_ m: MacroObject, _ args: Arguments) throws -> Value {
        let def = m.definition
        let f = Frame(parent: m.closure)
        let savedFrame = frame
        frame = f
        if let t = m.template { templates.append(t) }
        defer {
            frame = savedFrame
            if m.template != nil { templates.removeLast() }
        }
        var kwargs = ValueDict()
        for (n, v) in args.named where n != "caller" && !def.parameters.contains(where: { $0.0 == n }) {
            kwargs[n] = v
        }
        for (i, (pname, defaultExpr)) in def.parameters.enumerated() {
            if i < args.positional.count {
                f.set(pname, args.positional[i])
            } else if let v = args.get(pname) {
                f.set(pname, v)
            } else if let defaultExpr {
                do {
                    f.set(pname, try eval(defaultExpr))
                } catch let e as TemplateError {
                    throw locate(e, def.line)
                }
            } else {
                f.set(pname, .undefined(Undefined(name: pname,
                    hint: "parameter '\(pname)' of macro '\(def.name)' was not provided")))
            }
        }
        f.set("varargs", .tuple(Array(args.positional.dropFirst(def.parameters.count))))
        f.set("kwargs", .dict(kwargs))
        if let caller = args.get("caller") { f.set("caller", caller) }
        return .string(try capture(def.body))
    }
}

final class LoopObject: TemplateObject, @unchecked Sendable {
    let items: [Value]
    let depth: Int
    let loop: ForLoop
    weak var renderer: Renderer?
    var index0 = 0
    var lastChanged: [Value]? = nil

    init(items: [Value], depth: Int, loop: ForLoop, renderer: Renderer) {
        self.items = items
        self.depth = depth
        self.loop = loop
        self.renderer = renderer
    }

    var typeName: String { "LoopContext" }
    var stringValue: String { "<LoopContext \(index0 + 1)/\(items.count)>" }

    func attribute(_ name: String) -> Value? {
        let n = items.count
        switch name {
        case "index": return .int(index0 + 1)
        case "index0": return .int(index0)
        case "revindex": return .int(n - index0)
        case "revindex0": return .int(n - index0 - 1)
        case "first": return .bool(index0 == 0)
        case "last": return .bool(index0 == n - 1)
        case "length": return .int(n)
        case "depth": return .int(depth)
        case "depth0": return .int(depth - 1)
        case "previtem":
            return index0 > 0 ? items[index0 - 1] : .undefined(Undefined(name: "loop.previtem",
                hint: "'loop.previtem' is undefined: there is no previous item"))
        case "nextitem":
            return index0 + 1 < n ? items[index0 + 1] : .undefined(Undefined(name: "loop.nextitem",
                hint: "'loop.nextitem' is undefined: there is no next item"))
        case "cycle":
            return .object(FunctionObject(name: "cycle") { [unowned self] args, _ in
                guard !args.positional.isEmpty else { throw TemplateError.type("no items for cycling given") }
                return args.positional[self.index0 % args.positional.count]
            })
        case "changed":
            return .object(FunctionObject(name: "changed") { [unowned self] args, _ in
                if let last = self.lastChanged, last == args.positional { return .bool(false) }
                self.lastChanged = args.positional
                return .bool(true)
            })
        default: return nil
        }
    }

    /// `loop(children)` inside a `recursive` loop renders the body again one level deeper.
    func call(_ arguments: Arguments, _ context: CallContext) throws -> Value? {
        guard loop.recursive else {
            throw TemplateError.type("the loop is not recursive: declare it with `{% for ... recursive %}`")
        }
        guard let r = renderer, let arg = arguments.positional.first else {
            throw TemplateError.type("loop() takes exactly one argument")
        }
        let items = try arg.iterate()
        return .string(try r.captureOutput { try r.runLoop(loop, items: items, depth: depth + 1) })
    }
}

/// `namespace(...)`: the one mutable object templates have, so loops can carry state outwards.
final class NamespaceObject: TemplateObject, @unchecked Sendable {
    var values: ValueDict

    init(_ values: ValueDict) {
        self.values = values
    }

    var typeName: String { "Namespace" }
    var stringValue: String {
        "<Namespace " + ((try? Value.dict(values).pythonRepr()) ?? "") + ">"
    }

    func attribute(_ name: String) -> Value? { values[name] }
    func set(_ name: String, _ value: Value) { values[name] = value }
}

/// The result of `{% import 'macros.j2' as m %}`.
final class ModuleObject: TemplateObject, @unchecked Sendable {
    let name: String
    let exports: [String: Value]

    init(name: String, exports: [String: Value]) {
        self.name = name
        self.exports = exports
    }

    var typeName: String { "TemplateModule" }
    var stringValue: String { "<TemplateModule '\(name)'>" }
    func attribute(_ name: String) -> Value? { exports[name] }
}
