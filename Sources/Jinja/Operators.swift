import Foundation

/// Python's arithmetic and comparison operators on values.
enum Operators {
    static func typeError(_ op: String, _ a: Value, _ b: Value) -> TemplateError {
        TemplateError.type("unsupported operand type(s) for \(op): '\(a.typeName)' and '\(b.typeName)'")
    }

    static func binary(_ op: BinaryOp, _ a: Value, _ b: Value) throws -> Value {
        if case .undefined(let u) = a { throw TemplateError.undefined(u) }
        if case .undefined(let u) = b { throw TemplateError.undefined(u) }
        // Integer fast path (bools count as ints in Python arithmetic).
        if let x = intOperand(a), let y = intOperand(b) {
            return try intBinary(op, x, y)
        }
        if let x = a.numericValue, let y = b.numericValue {
            return try doubleBinary(op, x, y)
        }
        switch (op, a, b) {
        case (.add, .string(let x), .string(let y)): return .string(x + y)
        case (.add, .list(let x), .list(let y)): return .list(x + y)
        case (.add, .tuple(let x), .tuple(let y)): return .tuple(x + y)
        case (.mul, .string(let s), _), (.mul, _, .string(let s)):
            guard let n = intOperand(a) ?? intOperand(b) else { break }
            return .string(n > 0 ? String(repeating: s, count: n) : "")
        case (.mul, .list(let l), _), (.mul, _, .list(let l)):
            guard let n = intOperand(a) ?? intOperand(b) else { break }
            return .list(n > 0 ? Array([[Value]](repeating: l, count: n).joined()) : [])
        case (.mod, .string(let fmt), _):
            return .string(try PythonFormat.percent(fmt, b))
        case (.add, .string, _):
            throw TemplateError.type("can only concatenate str (not \"\(b.typeName)\") to str")
        case (.add, .list, _):
            throw TemplateError.type("can only concatenate list (not \"\(b.typeName)\") to list")
        case (_, .object, _), (_, _, .object):
            if let r = try dateTimeBinary(op, a, b) { return r }
        default: break
        }
        throw typeError(op.rawValue, a, b)
    }

    @inline(__always)
    static func intOperand(_ v: Value) -> Int? {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    static func intBinary(_ op: BinaryOp, _ x: Int, _ y: Int) throws -> Value {
        switch op {
        case .add:
            let (r, o) = x.addingReportingOverflow(y)
            return o ? .double(Double(x) + Double(y)) : .int(r)
        case .sub:
            let (r, o) = x.subtractingReportingOverflow(y)
            return o ? .double(Double(x) - Double(y)) : .int(r)
        case .mul:
            let (r, o) = x.multipliedReportingOverflow(by: y)
            return o ? .double(Double(x) * Double(y)) : .int(r)
        case .div:
            guard y != 0 else { throw TemplateError.runtime("division by zero") }
            return .double(Double(x) / Double(y))
        case .floorDiv:
            guard y != 0 else { throw TemplateError.runtime("integer division or modulo by zero") }
            var q = x / y
            if (x % y != 0) && ((x < 0) != (y < 0)) { q -= 1 }
            return .int(q)
        case .mod:
            guard y != 0 else { throw TemplateError.runtime("integer division or modulo by zero") }
            var r = x % y
            if r != 0 && ((r < 0) != (y < 0)) { r += y }
            return .int(r)
        case .pow:
            if y < 0 { return .double(pow(Double(x), Double(y))) }
            var result = 1
            var base = x
            var e = y
            while e > 0 {
                if e & 1 == 1 {
                    let (r, o) = result.multipliedReportingOverflow(by: base)
                    if o { return .double(pow(Double(x), Double(y))) }
                    result = r
                }
                e >>= 1
                if e > 0 {
                    let (b2, o) = base.multipliedReportingOverflow(by: base)
                    if o { return .double(pow(Double(x), Double(y))) }
                    base = b2
                }
            }
            return .int(result)
        }
    }

    static func doubleBinary(_ op: BinaryOp, _ x: Double, _ y: Double) throws -> Value {
        switch op {
        case .add: return .double(x + y)
        case .sub: return .double(x - y)
        case .mul: return .double(x * y)
        case .div:
            guard y != 0 else { throw TemplateError.runtime("float division by zero") }
            return .double(x / y)
        case .floorDiv:
            guard y != 0 else { throw TemplateError.runtime("float floor division by zero") }
            return .double((x / y).rounded(.down))
        case .mod:
            guard y != 0 else { throw TemplateError.runtime("float modulo") }
            var r = fmod(x, y)
            if r != 0 && ((r < 0) != (y < 0)) { r += y }
            return .double(r)
        case .pow: return .double(pow(x, y))
        }
    }

    static func compare(_ op: CompareOp, _ a: Value, _ b: Value) throws -> Bool {
        if case .undefined(let u) = a { throw TemplateError.undefined(u) }
        if case .undefined(let u) = b { throw TemplateError.undefined(u) }
        switch op {
        case .eq: return a == b
        case .ne: return a != b
        case .lt: return try Value.compare(a, b) < 0
        case .le: return try Value.compare(a, b) <= 0
        case .gt: return try Value.compare(a, b) > 0
        case .ge: return try Value.compare(a, b) >= 0
        case .in: return try contains(b, a)
        case .notIn: return !(try contains(b, a))
        }
    }

    /// Python's `needle in haystack`.
    static func contains(_ haystack: Value, _ needle: Value) throws -> Bool {
        switch haystack {
        case .string(let s):
            guard case .string(let n) = needle else {
                throw TemplateError.type("'in <string>' requires string as left operand, not \(needle.typeName)")
            }
            return n.isEmpty || s.contains(n)
        case .list(let l), .tuple(let l): return l.contains(needle)
        case .dict(let d): return d[needle] != nil
        case .undefined(let u): throw TemplateError.undefined(u)
        default: throw TemplateError.type("argument of type '\(haystack.typeName)' is not iterable")
        }
    }
}
