/// The `loop` variable of a `{% for %}`; lives for one render on one thread.
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
            return index0 > 0
                ? items[index0 - 1]
                : .undefined(
                    Undefined(
                        name: "loop.previtem",
                        hint: "'loop.previtem' is undefined: there is no previous item"))
        case "nextitem":
            return index0 + 1 < n
                ? items[index0 + 1]
                : .undefined(
                    Undefined(
                        name: "loop.nextitem",
                        hint: "'loop.nextitem' is undefined: there is no next item"))
        case "cycle":
            return .object(
                FunctionObject(name: "cycle") { [unowned self] args, _ in
                    guard !args.positional.isEmpty else { throw TemplateError.type("no items for cycling given") }
                    return args.positional[self.index0 % args.positional.count]
                })
        case "changed":
            return .object(
                FunctionObject(name: "changed") { [unowned self] args, _ in
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
