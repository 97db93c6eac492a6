import Foundation

/// A filter: `value | name(arguments)`.
public typealias Filter = @Sendable (Value, Arguments, CallContext) throws -> Value
/// A test: `value is name(arguments)`.
public typealias Test = @Sendable (Value, Arguments, CallContext) throws -> Bool

/// Compiles templates and expressions with one set of options, filters, tests and a loader.
/// Immutable once built (the include cache is locked), so one environment serves concurrent renders.
public final class Environment: @unchecked Sendable {
    public let options: TemplateOptions
    public let loader: (any TemplateLoader)?
    public let filters: [String: Filter]
    public let tests: [String: Test]
    /// Names every template can read (`range`, `dict`, `namespace`, plus any the caller adds).
    public let globals: ValueDict

    private let lock = NSLock()
    private var cache: [String: Template] = [:]
    /// Compiled inline strings and expressions: the playbook engine templates the same `when:` and vars
    /// strings for every host and loop item. Bounded; cleared when full.
    private var inlineTemplates: [String: Template] = [:]
    private var inlineExpressions: [String: Expression] = [:]
    private static let inlineCacheLimit = 4096

    /// Filters that receive an undefined input instead of failing on it.
    static let undefinedFilters: Set<String> = ["default", "d", "mandatory"]

    public init(
        options: TemplateOptions = .ansible, loader: (any TemplateLoader)? = nil,
        filters extraFilters: [String: Filter] = [:], tests extraTests: [String: Test] = [:],
        globals extraGlobals: ValueDict = ValueDict()
    ) {
        self.options = options
        self.loader = loader
        var f = BuiltinFilters.all
        for (k, v) in extraFilters { f[k] = v }
        filters = f
        var t = BuiltinTests.all
        for (k, v) in extraTests { t[k] = v }
        tests = t
        var g = BuiltinGlobals.all
        for (k, v) in extraGlobals.pairs { g[k] = v }
        globals = g
    }

    /// `ansible.builtin.to_json` and `community.general.x` resolve to their short names.
    static func shortName(_ name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[name.index(after: dot)...])
    }

    /// Compiles template source. `name` appears in error messages (`nginx.conf.j2:12:5`).
    public func template(source: String, name: String = "<template>") throws -> Template {
        try Template(source: source, name: name, environment: self)
    }

    /// Loads and compiles a template through the loader; compiled templates are cached by name.
    public func template(named name: String, from parent: String? = nil) throws -> Template {
        guard let loader else {
            throw TemplateError(.templateNotFound, "'\(name)': no template loader is configured")
        }
        let key = (parent ?? "") + "\u{0}" + name
        lock.lock()
        if let t = cache[key] {
            lock.unlock()
            return t
        }
        lock.unlock()
        guard let loaded = try loader.load(name, from: parent) else {
            throw TemplateError(.templateNotFound, "'\(name)'")
        }
        let t = try Template(source: loaded.source, name: loaded.name, environment: self)
        lock.lock()
        cache[key] = t
        lock.unlock()
        return t
    }

    /// Compiles a bare expression (`ansible_os_family == 'Debian' and port | int > 1024`), as used by
    /// `when:`, `changed_when:`, `failed_when:`, `until:` and `loop:`.
    public func expression(_ source: String, name: String = "<expression>") throws -> Expression {
        try cached(\.inlineExpressions, source: source, name: name) {
            try Expression(source: source, name: name, environment: self)
        }
    }

    /// A compiled inline string, from the cache when the same string was compiled before.
    func inlineTemplate(_ source: String, name: String) throws -> Template {
        try cached(\.inlineTemplates, source: source, name: name) {
            try Template(source: source, name: name, environment: self)
        }
    }

    /// Looks `name` + `source` up in one of the compile caches, compiling outside the lock on a miss
    /// (two threads may both compile; either result is the same). A full cache starts over.
    private func cached<T>(
        _ cache: ReferenceWritableKeyPath<Environment, [String: T]>, source: String, name: String,
        compile: () throws -> T
    ) throws -> T {
        let key = name + "\u{0}" + source
        lock.lock()
        if let hit = self[keyPath: cache][key] {
            lock.unlock()
            return hit
        }
        lock.unlock()
        let compiled = try compile()
        lock.lock()
        if self[keyPath: cache].count >= Environment.inlineCacheLimit { self[keyPath: cache].removeAll() }
        self[keyPath: cache][key] = compiled
        lock.unlock()
        return compiled
    }

    /// Renders a string that may contain `{{ }}`/`{% %}`; a plain string comes back unchanged without parsing.
    public func renderString(_ string: String, _ variables: any VariableResolver, name: String = "<string>")
        throws -> String
    {
        guard Template.containsSyntax(string) else { return string }
        return try inlineTemplate(string, name: name).render(variables)
    }

    /// Like `renderString`, but a string that is exactly one `{{ expression }}` yields the expression's
    /// value itself (a list stays a list), as Ansible does for `loop: "{{ users }}"`.
    public func evaluateString(_ string: String, _ variables: any VariableResolver, name: String = "<string>")
        throws -> Value
    {
        guard Template.containsSyntax(string) else { return .string(string) }
        return try inlineTemplate(string, name: name).evaluate(variables)
    }
}
