/// Supplies template sources for `include`, `import` and `from ... import`. The engine does no I/O itself:
/// the CLI passes a file-system loader, tests and the playbook engine can use `DictionaryLoader`.
public protocol TemplateLoader: Sendable {
    /// The source of `name` and the name to report it under, or nil when there is no such template.
    /// `parent` is the name of the including template, for loaders that resolve relative paths.
    func load(_ name: String, from parent: String?) throws -> (source: String, name: String)?
}

/// Templates held in memory, by name.
public struct DictionaryLoader: TemplateLoader {
    public var templates: [String: String]

    public init(_ templates: [String: String]) {
        self.templates = templates
    }

    public func load(_ name: String, from parent: String?) throws -> (source: String, name: String)? {
        templates[name].map { ($0, name) }
    }
}
