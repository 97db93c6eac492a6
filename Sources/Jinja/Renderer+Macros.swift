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
                f.set(
                    pname,
                    .undefined(
                        Undefined(
                            name: pname,
                            hint: "parameter '\(pname)' of macro '\(def.name)' was not provided")))
            }
        }
        f.set("varargs", .tuple(Array(args.positional.dropFirst(def.parameters.count))))
        f.set("kwargs", .dict(kwargs))
        if let caller = args.get("caller") { f.set("caller", caller) }
        return .string(try capture(def.body))
    }
}
