/// Ansible's `to_datetime` filter and `now()` global: Python datetimes (`DateTimeObject`). The
/// `strftime` filter formats epoch seconds and defaults to the clock, so it lives with the playbook engine.
extension AnsibleFilters {
    static let time: [String: Filter] = {
        var f: [String: Filter] = [:]
        f["to_datetime"] = { v, a, _ in
            try a.checkNames(["format"], callee: "to_datetime")
            guard case .string(let s) = v else {
                throw TemplateError.type("to_datetime: strptime() argument 1 must be str, not \(v.typeName)")
            }
            guard case .string(let format) = a.get(0, "format") ?? .string("%Y-%m-%d %H:%M:%S") else {
                throw TemplateError.type("to_datetime: strptime() argument 2 must be str")
            }
            do {
                return .object(try Strptime.parse(s, format))
            } catch var e as TemplateError {
                e.message = "to_datetime: " + e.message
                throw e
            }
        }
        return f
    }()

    /// `now(utc=False, fmt=None)`: the clock as a datetime (UTC still naive, as Ansible's), or formatted.
    static let now = Value.object(
        FunctionObject(name: "now") { a, _ in
            try a.checkNames(["utc", "fmt"], callee: "now")
            let date = DateTimeObject.now(utc: try a.bool(0, "utc", default: false))
            if let fmt = a.get(1, "fmt"), try fmt.truthy() {
                guard case .string(let format) = fmt else {
                    throw TemplateError.type("now: fmt must be str, not \(fmt.typeName)")
                }
                return .string(date.strftime(format))
            }
            return .object(date)
        })
}
