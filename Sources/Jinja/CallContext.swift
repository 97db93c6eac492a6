/// What a filter, test or callable object receives besides its arguments: access to the environment
/// and to the render in progress (to call macros and other filters by name, as `map('upper')` does).
public struct CallContext {
    public let environment: Environment
    let renderer: Renderer

    init(environment: Environment, renderer: Renderer) {
        self.environment = environment
        self.renderer = renderer
    }

    public func filter(_ name: String, _ value: Value, _ arguments: Arguments = Arguments()) throws -> Value {
        guard let f = environment.filters[name] else {
            var message = "no filter named '\(name)'"
            if let s = Suggestion.closest(to: name, in: Array(environment.filters.keys)) {
                message += "; did you mean '\(s)'?"
            }
            throw TemplateError(.unknownFilter, message)
        }
        if case .undefined(let u) = value, !Environment.undefinedFilters.contains(name) {
            throw TemplateError.undefined(u)
        }
        return try f(value, arguments, self)
    }

    public func test(_ name: String, _ value: Value, _ arguments: Arguments = Arguments()) throws -> Bool {
        guard let t = environment.tests[name] else {
            var message = "no test named '\(name)'"
            if let s = Suggestion.closest(to: name, in: Array(environment.tests.keys)) {
                message += "; did you mean '\(s)'?"
            }
            throw TemplateError(.unknownTest, message)
        }
        return try t(value, arguments, self)
    }

    /// A variable as the template sees it at the call site (locals, then the render's variables, then
    /// globals); undefined when missing. Lets global functions such as a `lookup('vars', ...)` read context.
    public func variable(_ name: String) throws -> Value {
        try renderer.lookupThrowing(name)
    }

    public func call(_ callable: Value, _ arguments: Arguments) throws -> Value {
        try renderer.call(callable, arguments)
    }
}
