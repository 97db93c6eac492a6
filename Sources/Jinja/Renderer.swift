/// Executes a compiled template for one render. Not shared between threads: every render makes its own.
final class Renderer {
    let environment: Environment
    let resolver: (any VariableResolver)?
    var out = ""
    var frame: Frame
    var templates: [Template] = []
    /// Macros made during this render; their closures are released at the end to break reference cycles.
    var macros: [MacroObject] = []
    var callDepth = 0
    /// `{% block %}` overrides from child templates (`extends`), most derived first.
    var blockStack: [String: [[Stmt]]] = [:]
    static let maxCallDepth = 500

    init(environment: Environment, resolver: (any VariableResolver)?) {
        self.environment = environment
        self.resolver = resolver
        self.frame = Frame(parent: nil)
    }

    deinit {
        for m in macros { m.closure = nil }
    }

    var context: CallContext { CallContext(environment: environment, renderer: self) }

    func push(_ t: Template) { templates.append(t) }

    func locate(_ error: TemplateError, _ line: Int) -> TemplateError {
        guard let t = templates.last else { return error }
        return error.located(t.name, line: line, source: t.source)
    }

    func renderTop(_ t: Template) throws -> String {
        out.reserveCapacity(t.source.utf8.count + 256)
        push(t)
        defer { templates.removeLast() }
        try runTemplateBody(t)
        return out
    }

    /// Runs a template's statements, following `{% extends %}` to its parents.
    func runTemplateBody(_ t: Template) throws {
        guard let (parentExpr, line) = Renderer.extendsTag(in: t.body) else {
            try execute(t.body)
            return
        }
        // Child template: output before `extends` is kept, later top-level output is dropped; its blocks
        // override the parent's.
        var savedBlocks = blockStack
        Renderer.collectBlocks(t.body) { name, body in savedBlocks[name, default: []].append(body) }
        for s in t.body {
            if case .extends = s { break }
            try execute([s])
        }
        let parentName: Value
        do { parentName = try eval(parentExpr) } catch let e as TemplateError { throw locate(e, line) }
        let parent: Template
        do {
            parent = try environment.template(named: try parentName.pythonString(), from: t.name)
        } catch let e as TemplateError {
            throw locate(e, line)
        }
        let captured = out
        for s in t.body {
            switch s {
            case .set, .macro, .importAs, .fromImport: try execute([s])
            default: break
            }
        }
        out = captured
        let previous = blockStack
        blockStack = savedBlocks
        defer { blockStack = previous }
        templates.append(parent)
        defer { templates.removeLast() }
        try runTemplateBody(parent)
    }

    static func extendsTag(in body: [Stmt]) -> (Expr, Int)? {
        for s in body {
            if case .extends(let e, let line) = s { return (e, line) }
        }
        return nil
    }

    static func collectBlocks(_ body: [Stmt], _ visit: (String, [Stmt]) -> Void) {
        for s in body {
            switch s {
            case .block(let name, let inner, _):
                visit(name, inner)
                collectBlocks(inner, visit)
            case .ifChain(let branches, let otherwise, _):
                for (_, b) in branches { collectBlocks(b, visit) }
                collectBlocks(otherwise, visit)
            case .forLoop(let f): collectBlocks(f.body, visit)
            case .with(_, let b, _), .filterBlock(_, let b, _): collectBlocks(b, visit)
            default: break
            }
        }
    }

    // MARK: Statements

    func execute(_ body: [Stmt]) throws {
        for s in body {
            switch s {
            case .text(let t):
                out += t
            case .output(let e, let line):
                do {
                    try write(try eval(e))
                } catch let error as TemplateError {
                    throw locate(error, line)
                }
            default:
                try executeStatement(s)
            }
        }
    }

    @inline(__always)
    func write(_ v: Value) throws {
        switch v {
        case .string(let s): out += s
        case .int(let i): out += String(i)
        case .none: if !environment.options.noneAsEmpty { out += "None" }
        case .undefined(let u): if !u.lenient { throw TemplateError.undefined(u) }
        case .object(let o): out += o.stringValue
        default: try v.writeRepr(into: &out)
        }
    }

    func executeStatement(_ s: Stmt) throws {
        switch s {
        case .text, .output:
            try execute([s])
        case .ifChain(let branches, let otherwise, let line):
            var chosen = otherwise
            do {
                for (cond, body) in branches where try eval(cond).truthy() {
                    chosen = body
                    break
                }
            } catch let error as TemplateError {
                throw locate(error, line)
            }
            try execute(chosen)
        case .forLoop(let f):
            let items: [Value]
            do { items = try eval(f.iterable).iterate() } catch let e as TemplateError { throw locate(e, f.line) }
            try runLoop(f, items: items, depth: 1)
        case .set(let target, let e, let line):
            do {
                try assign(target, try eval(e))
            } catch let error as TemplateError {
                throw locate(error, line)
            }
        case .setBlock(let name, let filters, let body, let line):
            var v = Value.string(try capture(body))
            do {
                for f in filters { v = try applyFilter(f, v) }
            } catch let error as TemplateError {
                throw locate(error, line)
            }
            frame.set(name, v)
        case .macro(let def):
            let m = MacroObject(definition: def, closure: frame, template: templates.last)
            macros.append(m)
            frame.set(def.name, .object(m))
        case .callBlock(let callExpr, let callerDef, let line):
            let caller = MacroObject(definition: callerDef, closure: frame, template: templates.last)
            macros.append(caller)
            do {
                guard case .call(let callee, let args, _) = callExpr else { return }
                let f = try eval(callee)
                var a = try evaluate(args)
                a.named.append(("caller", .object(caller)))
                try write(try call(f, a))
            } catch let error as TemplateError {
                throw locate(error, line)
            }
        case .include(let nameExpr, let ignoreMissing, let withContext, let line):
            try include(nameExpr, ignoreMissing: ignoreMissing, withContext: withContext, line: line)
        case .importAs(let nameExpr, let alias, let withContext, let line):
            let module = try importModule(nameExpr, withContext: withContext, line: line)
            frame.set(alias, .object(module))
        case .fromImport(let nameExpr, let names, let withContext, let line):
            let module = try importModule(nameExpr, withContext: withContext, line: line)
            for (n, alias) in names {
                guard let v = module.exports[n] else {
                    throw locate(
                        TemplateError.runtime(
                            "the template '\(module.name)' does not export the requested name '\(n)'"), line)
                }
                frame.set(alias, v)
            }
        case .filterBlock(let filters, let body, let line):
            var v = Value.string(try capture(body))
            do {
                for f in filters { v = try applyFilter(f, v) }
                try write(v)
            } catch let error as TemplateError {
                throw locate(error, line)
            }
        case .with(let assignments, let body, let line):
            let saved = frame
            frame = Frame(parent: saved)
            defer { frame = saved }
            do {
                for (t, e) in assignments { try assign(t, try eval(e)) }
            } catch let error as TemplateError {
                throw locate(error, line)
            }
            try execute(body)
        case .block(let name, let body, _):
            let chain = blockStack[name] ?? []
            let bodies = chain + [body]
            try runBlock(name, bodies: bodies, index: 0)
        case .extends(_, let line):
            throw locate(TemplateError(.syntax, "'extends' must be a top-level statement"), line)
        }
    }

    func runBlock(_ name: String, bodies: [[Stmt]], index: Int) throws {
        let saved = frame
        frame = Frame(parent: saved)
        defer { frame = saved }
        if index + 1 < bodies.count {
            frame.set(
                "super",
                .object(
                    FunctionObject(name: "super") { [unowned self] _, _ in
                        .string(try self.captureOutput { try self.runBlock(name, bodies: bodies, index: index + 1) })
                    }))
        }
        try execute(bodies[index])
    }

    func capture(_ body: [Stmt]) throws -> String {
        try captureOutput { try execute(body) }
    }

    func captureOutput(_ work: () throws -> Void) throws -> String {
        let saved = out
        out = ""
        defer { out = saved }
        try work()
        return out
    }

    func runLoop(_ f: ForLoop, items allItems: [Value], depth: Int) throws {
        let saved = frame
        let body = Frame(parent: saved)
        frame = body
        defer { frame = saved }
        var items = allItems
        if let cond = f.condition {
            items = []
            do {
                for item in allItems {
                    try assign(f.target, item)
                    if try eval(cond).truthy() { items.append(item) }
                }
            } catch let error as TemplateError {
                throw locate(error, f.line)
            }
        }
        if items.isEmpty {
            frame = saved
            try execute(f.otherwise)
            return
        }
        var loop: LoopObject? = nil
        if f.usesLoop {
            let l = LoopObject(items: items, depth: depth, loop: f, renderer: self)
            loop = l
            body.set("loop", .object(l))
        }
        defer { loop?.renderer = nil }
        // Each iteration starts from the outer values: assignments in the body do not carry over (jinja2).
        if case .name(let n) = f.target {
            let slot = body.slot(n)
            let base = body.names.count
            for (i, item) in items.enumerated() {
                loop?.index0 = i
                if body.names.count > base { body.truncate(to: base) }
                body.values[slot] = item
                try execute(f.body)
            }
        } else {
            let base = body.names.count
            for (i, item) in items.enumerated() {
                loop?.index0 = i
                if body.names.count > base { body.truncate(to: base) }
                do { try assign(f.target, item) } catch let e as TemplateError { throw locate(e, f.line) }
                try execute(f.body)
            }
        }
    }

    func assign(_ target: AssignTarget, _ value: Value) throws {
        switch target {
        case .name(let n):
            frame.set(n, value)
        case .tuple(let targets):
            let items: [Value]
            switch value {
            case .list(let l), .tuple(let l): items = l
            case .undefined(let u): throw TemplateError.undefined(u)
            default: items = try value.iterate()
            }
            guard items.count == targets.count else {
                throw TemplateError.type(
                    items.count > targets.count
                        ? "too many values to unpack (expected \(targets.count))"
                        : "not enough values to unpack (expected \(targets.count), got \(items.count))")
            }
            for (t, v) in zip(targets, items) { try assign(t, v) }
        case .attribute(let obj, let attr):
            guard case .object(let o) = lookup(obj), let ns = o as? NamespaceObject else {
                throw TemplateError.type(
                    "cannot assign attribute '\(attr)' on '\(obj)': only namespace() objects "
                        + "can be assigned to; create one with `{% set \(obj) = namespace(\(attr)=...) %}`")
            }
            ns.set(attr, value)
        }
    }

    func include(_ nameExpr: Expr, ignoreMissing: Bool, withContext: Bool, line: Int) throws {
        let names: [Value]
        do {
            let v = try eval(nameExpr)
            names = v.listValue ?? [v]
        } catch let e as TemplateError {
            throw locate(e, line)
        }
        var template: Template? = nil
        for n in names {
            do {
                template = try environment.template(named: try n.pythonString(), from: templates.last?.name)
                break
            } catch let e as TemplateError where e.kind == .templateNotFound {
                continue
            } catch let e as TemplateError {
                throw locate(e, line)
            }
        }
        guard let t = template else {
            if ignoreMissing { return }
            let shown = names.map { (try? $0.pythonRepr()) ?? "?" }.joined(separator: ", ")
            throw locate(TemplateError(.templateNotFound, "\(shown) (included here)"), line)
        }
        guard callDepth < Renderer.maxCallDepth else {
            throw locate(TemplateError.runtime("include nested too deeply (recursive include of '\(t.name)'?)"), line)
        }
        callDepth += 1
        let saved = frame
        frame = Frame(parent: withContext ? saved : nil)
        templates.append(t)
        defer {
            frame = saved
            templates.removeLast()
            callDepth -= 1
        }
        try runTemplateBody(t)
    }

    func importModule(_ nameExpr: Expr, withContext: Bool, line: Int) throws -> ModuleObject {
        let t: Template
        do {
            let n = try eval(nameExpr)
            if case .object(let o) = n, let m = o as? ModuleObject { return m }
            t = try environment.template(named: try n.pythonString(), from: templates.last?.name)
        } catch let e as TemplateError {
            throw locate(e, line)
        }
        let saved = frame
        let savedOut = out
        let moduleFrame = Frame(parent: withContext ? saved : nil)
        frame = moduleFrame
        out = ""
        templates.append(t)
        defer {
            frame = saved
            out = savedOut
            templates.removeLast()
        }
        try execute(t.body)
        var exports: [String: Value] = [:]
        for (n, v) in zip(moduleFrame.names, moduleFrame.values) where !n.hasPrefix("_") { exports[n] = v }
        return ModuleObject(name: t.name, exports: exports)
    }
}
