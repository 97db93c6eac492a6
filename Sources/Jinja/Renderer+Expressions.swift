import Foundation

extension Renderer {
    @inline(__always)
    func lookup(_ name: String) -> Value {
        if let v = frame.lookup(name) { return v }
        if let resolver, let v = try? resolver.resolve(name) { return v }
        if let v = environment.globals[name] { return v }
        return .undefined(Undefined(name: name))
    }

    func lookupThrowing(_ name: String) throws -> Value {
        if let v = frame.lookup(name) { return v }
        if let resolver, let v = try resolver.resolve(name) { return v }
        if let v = environment.globals[name] { return v }
        return .undefined(Undefined(name: name))
    }

    func eval(_ e: Expr) throws -> Value {
        switch e {
        case .literal(let v):
            return v
        case .name(let n, _):
            return try lookupThrowing(n)
        case .attribute(let base, let attr):
            return try attribute(of: eval(base), attr, path: e)
        case .item(let base, let key):
            return try item(of: eval(base), try eval(key), path: e)
        case .slice(let base, let start, let stop, let step):
            return try slice(eval(base), start.map(eval), stop.map(eval), step.map(eval))
        case .list(let items):
            var r: [Value] = []
            r.reserveCapacity(items.count)
            for i in items { r.append(try eval(i)) }
            return .list(r)
        case .tuple(let items):
            return .tuple(try items.map { try eval($0) })
        case .dict(let pairs):
            var d = ValueDict()
            d.reserveCapacity(pairs.count)
            for (k, v) in pairs {
                let key = try eval(k)
                if case .undefined(let u) = key { throw TemplateError.undefined(u) }
                d[key] = try eval(v)
            }
            return .dict(d)
        case .negate(let x):
            switch try eval(x) {
            case .int(let i): return .int(-i)
            case .double(let d): return .double(-d)
            case .bool(let b): return .int(b ? -1 : 0)
            case .object(let d as TimeDeltaObject): return .object(TimeDeltaObject(micros: -d.micros))
            case .undefined(let u): throw TemplateError.undefined(u)
            case let v: throw TemplateError.type("bad operand type for unary -: '\(v.typeName)'")
            }
        case .plus(let x):
            let v = try eval(x)
            switch v {
            case .int, .double: return v
            case .bool(let b): return .int(b ? 1 : 0)
            case .undefined(let u): throw TemplateError.undefined(u)
            default: throw TemplateError.type("bad operand type for unary +: '\(v.typeName)'")
            }
        case .binary(let op, let a, let b):
            return try Operators.binary(op, eval(a), eval(b))
        case .and(let a, let b):
            let l = try eval(a)
            return try l.truthy() ? eval(b) : l
        case .or(let a, let b):
            let l = try eval(a)
            return try l.truthy() ? l : eval(b)
        case .not(let x):
            return .bool(!(try eval(x).truthy()))
        case .compare(let first, let ops):
            var left = try eval(first)
            for (op, rightExpr) in ops {
                let right = try eval(rightExpr)
                if !(try Operators.compare(op, left, right)) { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .concat(let items):
            var s = ""
            for i in items { s += try eval(i).pythonString() }
            return .string(s)
        case .conditional(let test, let then, let otherwise):
            if try eval(test).truthy() { return try eval(then) }
            if let otherwise { return try eval(otherwise) }
            return .undefined(
                Undefined(
                    name: "<inline if>",
                    hint: "the inline if-expression evaluated to false and has no else section", lenient: true))
        case .filter(let base, let f):
            return try applyFilter(f, eval(base))
        case .test(let base, let t):
            let v = try eval(base)
            let r = try t.function(v, try evaluate(t.arguments), context)
            return .bool(t.negated ? !r : r)
        case .call(let callee, let args, _):
            if case .attribute(let receiverExpr, let method) = callee {
                let receiver = try eval(receiverExpr)
                let a = try evaluate(args)
                if let r = try Methods.call(receiver, method, a, renderer: self, receiverExpr: receiverExpr) {
                    return r
                }
                return try call(try attribute(of: receiver, method, path: callee), a)
            }
            return try call(try eval(callee), try evaluate(args))
        }
    }

    func evaluate(_ args: CallArguments) throws -> Arguments {
        if args.positional.isEmpty && args.named.isEmpty { return Arguments() }
        var a = Arguments()
        a.positional.reserveCapacity(args.positional.count)
        for p in args.positional { a.positional.append(try eval(p)) }
        for (n, e) in args.named { a.named.append((n, try eval(e))) }
        return a
    }

    func applyFilter(_ f: FilterCall, _ v: Value) throws -> Value {
        if case .undefined(let u) = v, !f.acceptsUndefined { throw TemplateError.undefined(u) }
        return try f.function(v, try evaluate(f.arguments), context)
    }

    func call(_ f: Value, _ args: Arguments) throws -> Value {
        switch f {
        case .object(let o):
            guard callDepth < Renderer.maxCallDepth else {
                throw TemplateError.runtime("maximum call depth exceeded (recursive macro?)")
            }
            callDepth += 1
            defer { callDepth -= 1 }
            if let r = try o.call(args, context) { return r }
            throw TemplateError.type("'\(o.typeName)' object is not callable")
        case .undefined(let u): throw TemplateError.undefined(u)
        default: throw TemplateError.type("'\(f.typeName)' object is not callable")
        }
    }

    func undefinedAttribute(_ base: Value, _ attr: String, path: Expr) -> Value {
        let what: String
        switch base {
        case .none: what = "'None' has no attribute '\(attr)'"
        default: what = "'\(base.typeName) object' has no attribute '\(attr)'"
        }
        if let p = path.path { return .undefined(Undefined(name: p, hint: "'\(p)' is undefined: \(what)")) }
        return .undefined(Undefined(name: attr, hint: what))
    }

    /// jinja2's `getattr`: the Python attribute first, then the item.
    func attribute(of base: Value, _ attr: String, path: Expr) throws -> Value {
        switch base {
        case .dict(let d):
            if let v = d[attr] { return v }
            if Methods.dictMethods.contains(attr) { return Methods.bound(base, attr) }
            return undefinedAttribute(base, attr, path: path)
        case .undefined:
            // Chainable, as Ansible's undefined: `a.b.c is defined` works when `a` is missing.
            return base
        case .object(let o):
            return o.attribute(attr) ?? undefinedAttribute(base, attr, path: path)
        case .string:
            if Methods.stringMethods.contains(attr) { return Methods.bound(base, attr) }
        case .list:
            if Methods.listMethods.contains(attr) { return Methods.bound(base, attr) }
        case .tuple(let l) where l.count == 2 && (attr == "grouper" || attr == "list"):
            // `groupby` yields (grouper, list) named tuples.
            return attr == "grouper" ? l[0] : l[1]
        default:
            break
        }
        return undefinedAttribute(base, attr, path: path)
    }

    /// jinja2's `getitem`: the item first, then the attribute.
    func item(of base: Value, _ key: Value, path: Expr) throws -> Value {
        if case .undefined(let u) = key { throw TemplateError.undefined(u) }
        switch base {
        case .dict(let d):
            if let v = d[key] { return v }
        case .list(let l), .tuple(let l):
            switch key {
            case .int, .bool:
                let i = key.intValue!
                let idx = i < 0 ? l.count + i : i
                if idx >= 0 && idx < l.count { return l[idx] }
            case .string:
                break
            default:
                throw TemplateError.type("list indices must be integers or slices, not \(key.typeName)")
            }
        case .string(let s):
            if let i = key.intValue {
                let scalars = Array(s.unicodeScalars)
                let idx = i < 0 ? scalars.count + i : i
                if idx >= 0 && idx < scalars.count { return .string(String(scalars[idx])) }
            }
        case .undefined:
            return base
        default:
            break
        }
        if case .string(let k) = key { return try attribute(of: base, k, path: path) }
        let p = path.path ?? "item"
        let keyText = (try? key.pythonRepr()) ?? "?"
        return .undefined(
            Undefined(name: p, hint: "'\(p)' is undefined: '\(base.typeName) object' has no element \(keyText)"))
    }

    func slice(_ base: Value, _ start: Value?, _ stop: Value?, _ step: Value?) throws -> Value {
        func bound(_ v: Value?) throws -> Int? {
            guard let v, !v.isNone else { return nil }
            guard let i = v.intValue else {
                if case .undefined(let u) = v { throw TemplateError.undefined(u) }
                throw TemplateError.type("slice indices must be integers or None")
            }
            return i
        }
        let st = try bound(step) ?? 1
        guard st != 0 else { throw TemplateError.runtime("slice step cannot be zero") }
        func indices(_ n: Int) throws -> [Int] {
            var a = try bound(start)
            var b = try bound(stop)
            if st > 0 {
                var lo = a ?? 0
                var hi = b ?? n
                if lo < 0 { lo = max(0, lo + n) }
                if hi < 0 { hi = max(0, hi + n) }
                lo = min(lo, n)
                hi = min(hi, n)
                return lo < hi ? Array(stride(from: lo, to: hi, by: st)) : []
            }
            a = a.map { $0 < 0 ? $0 + n : $0 }
            b = b.map { $0 < 0 ? $0 + n : $0 }
            var hi = a ?? n - 1
            let lo = b ?? -1
            hi = min(hi, n - 1)
            if let bb = b, bb < -1 { _ = bb }
            return hi > lo ? Array(stride(from: hi, to: max(lo, -1), by: st)) : []
        }
        switch base {
        case .list(let l): return .list(try indices(l.count).map { l[$0] })
        case .tuple(let l): return .tuple(try indices(l.count).map { l[$0] })
        case .string(let s):
            let scalars = Array(s.unicodeScalars)
            var r = String.UnicodeScalarView()
            for i in try indices(scalars.count) { r.append(scalars[i]) }
            return .string(String(r))
        case .undefined(let u): throw TemplateError.undefined(u)
        default: throw TemplateError.type("'\(base.typeName)' object is not subscriptable")
        }
    }
}
