import Foundation
import Jinja
import OpsCore

/// The engine's use of the template engine: compiles each distinct expression once (a play runs
/// the same `when:` on every host), templates values deeply, and turns template errors into
/// messages that point at the playbook line.
public final class Templar: @unchecked Sendable {
    /// Template files and conditionals: jinja2's string escapes, as Ansible's template module.
    public let environment: Jinja.Environment
    /// Strings from playbook YAML: Ansible's `escape_backslashes` keeps `{{ }}` literals' backslashes.
    let valueEnvironment: Jinja.Environment
    private var expressions: [String: Jinja.Expression] = [:]
    private var templates: [String: Template] = [:]
    private let lock = NSLock()

    /// Adds what only the control node can do to `environment`: `lookup`/`query`/`q` and the
    /// file-system filters and tests.
    public init(environment base: Jinja.Environment) {
        var globals = base.globals
        for (k, v) in Lookups.globals.pairs { globals[k] = v }
        environment = Jinja.Environment(
            options: base.options, loader: base.loader, filters: base.filters.merging(ControlNode.filters) { $1 },
            tests: base.tests.merging(ControlNode.tests) { $1 }, globals: globals)
        var options = base.options
        options.escapeBackslashes = true
        valueEnvironment = Jinja.Environment(
            options: options, loader: environment.loader, filters: environment.filters, tests: environment.tests,
            globals: environment.globals)
    }

    public func compile(_ expression: OpsCore.Expression) throws -> Jinja.Expression {
        lock.lock()
        if let e = expressions[expression.text] {
            lock.unlock()
            return e
        }
        lock.unlock()
        do {
            let e = try environment.expression(expression.text, name: expression.location?.file ?? "<expression>")
            lock.lock()
            expressions[expression.text] = e
            lock.unlock()
            return e
        } catch let error as TemplateError {
            throw TemplarError(error, at: expression.location, source: expression.text)
        }
    }

    public func evaluate(_ expression: OpsCore.Expression, _ scope: any VariableResolver) throws -> Value {
        do { return try compile(expression).evaluate(scope) } catch let error as TemplateError {
            throw TemplarError(error, at: expression.location, source: expression.text)
        }
    }

    /// A condition (`when`, `changed_when`, `failed_when`, `until`): Python truthiness, where
    /// the strings "yes"/"true" count as true as Ansible's conditional does.
    public func isTrue(_ expression: OpsCore.Expression, _ scope: any VariableResolver) throws -> Bool {
        let value = try evaluate(expression, scope)
        if case .string(let s) = value, let b = PlaybookValues.bool(s) { return b }
        do { return try value.truthy() } catch let error as TemplateError {
            throw TemplarError(error, at: expression.location, source: expression.text)
        }
    }

    /// Templates strings inside `value`, deeply. A string that is one `{{ expression }}` becomes
    /// the expression's value (a list stays a list), as Ansible does.
    public func template(_ value: Value, _ scope: any VariableResolver, at location: SourceLocation? = nil) throws
        -> Value
    {
        switch value {
        case .string(let s):
            guard Template.containsSyntax(s) else { return value }
            do { return try compiledTemplate(s).evaluate(scope) } catch let error as TemplateError {
                throw TemplarError(error, at: location, source: s)
            }
        case .list(let items):
            return .list(try items.map { try template($0, scope, at: location) })
        case .dict(let d):
            var out = ValueDict()
            out.reserveCapacity(d.count)
            for (k, v) in d.pairs { out[k] = try template(v, scope, at: location) }
            return .dict(out)
        default:
            return value
        }
    }

    public func templateString(_ s: String, _ scope: any VariableResolver, at location: SourceLocation? = nil)
        throws -> String
    {
        guard Template.containsSyntax(s) else { return s }
        do { return try compiledTemplate(s).render(scope) } catch let error as TemplateError {
            throw TemplarError(error, at: location, source: s)
        }
    }

    private func compiledTemplate(_ s: String) throws -> Template {
        lock.lock()
        if let t = templates[s] {
            lock.unlock()
            return t
        }
        lock.unlock()
        let t = try valueEnvironment.template(source: s, name: "<string>")
        lock.lock()
        templates[s] = t
        lock.unlock()
        return t
    }
}

/// A template error located in the playbook: `site.yml:12:13: when: 'port' is undefined`.
public struct TemplarError: Error, CustomStringConvertible {
    public var underlying: TemplateError
    public var location: SourceLocation?
    public var source: String

    init(_ underlying: TemplateError, at location: SourceLocation?, source: String) {
        self.underlying = underlying
        self.location = location
        self.source = source
    }

    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        return "\(place)\(underlying.message) (in \"\(source)\")"
    }
}
