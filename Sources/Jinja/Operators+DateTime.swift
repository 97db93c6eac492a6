/// Python's arithmetic on datetimes and timedeltas: `b - a` is a timedelta, `a + delta` a datetime.
extension Operators {
    /// Nil when the operands are not datetime/timedelta ones this operator knows (the caller's TypeError).
    static func dateTimeBinary(_ op: BinaryOp, _ a: Value, _ b: Value) throws -> Value? {
        switch (op, object(a), object(b)) {
        case (.sub, let x as DateTimeObject, let y as DateTimeObject):
            return .object(TimeDeltaObject(micros: x.micros - y.micros))
        case (.add, let x as DateTimeObject, let d as TimeDeltaObject),
            (.add, let d as TimeDeltaObject, let x as DateTimeObject):
            return try shifted(x, d.micros)
        case (.sub, let x as DateTimeObject, let d as TimeDeltaObject):
            return try shifted(x, -d.micros)
        case (.add, let x as TimeDeltaObject, let y as TimeDeltaObject):
            return try delta(x.micros.addingReportingOverflow(y.micros))
        case (.sub, let x as TimeDeltaObject, let y as TimeDeltaObject):
            return try delta(x.micros.subtractingReportingOverflow(y.micros))
        case (.mul, let x as TimeDeltaObject, nil), (.mul, nil, let x as TimeDeltaObject):
            guard let n = intOperand(a) ?? intOperand(b) else { return nil }
            return try delta(x.micros.multipliedReportingOverflow(by: n))
        default:
            return nil
        }
    }

    static func object(_ v: Value) -> (any TemplateObject)? {
        if case .object(let o) = v { return o }
        return nil
    }

    static func shifted(_ x: DateTimeObject, _ micros: Int) throws -> Value {
        let (sum, overflow) = x.micros.addingReportingOverflow(micros)
        guard !overflow, let r = DateTimeObject(micros: sum) else {
            throw TemplateError.runtime("OverflowError: date value out of range")
        }
        return .object(r)
    }

    static func delta(_ r: (partialValue: Int, overflow: Bool)) throws -> Value {
        guard !r.overflow else { throw TemplateError.runtime("OverflowError: timedelta out of range") }
        return .object(TimeDeltaObject(micros: r.partialValue))
    }
}
