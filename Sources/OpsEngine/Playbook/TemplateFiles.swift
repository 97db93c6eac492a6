import Foundation
import Jinja
import OpsCore

/// Renders template files from the control node for the `template` module and `opsctl render`:
/// includes resolve relative to the including file, then the template's own directory.
public enum TemplateFiles {
    public static func render(path: String, context: ModuleContext, lstripBlocks: Bool, trimBlocks: Bool) throws
        -> String
    {
        let base = context.templar.environment
        var options = base.options
        options.lstripBlocks = lstripBlocks
        options.trimBlocks = trimBlocks
        let environment =
            options == base.options && base.loader != nil
            ? base
            : Jinja.Environment(options: options, loader: FileTemplateLoader(roots: [directoryOf(path)]),
                filters: base.filters, tests: base.tests, globals: base.globals)
        guard let data = FileManager.default.contents(atPath: path), let source = String(data: data, encoding: .utf8)
        else {
            throw ModuleError("template: cannot read \(path) on the control node")
        }
        var extra = ValueDict()
        extra["template_path"] = .string(path)
        extra["template_fullpath"] = .string(path)
        extra["template_host"] = .string(ProcessInfo.processInfo.hostName)
        extra["template_uid"] = .string(NSUserName())
        extra["ansible_managed"] = .string("Ansible managed")
        let scope = context.scope.adding(extra)
        do {
            return try environment.template(source: source, name: path).render(scope)
        } catch let error as TemplateError {
            throw ModuleError("template \(error)")
        }
    }
}

/// Template sources from directories on the control node.
public struct FileTemplateLoader: TemplateLoader {
    public var roots: [String]
    /// Also look beside the including template first (Ansible's template search path); off, only
    /// the roots are searched, as jinja2's FileSystemLoader does.
    public var relativeToParent: Bool

    public init(roots: [String], relativeToParent: Bool = true) {
        self.roots = roots
        self.relativeToParent = relativeToParent
    }

    public func load(_ name: String, from parent: String?) throws -> (source: String, name: String)? {
        var candidates: [String] = []
        if name.hasPrefix("/") { candidates = [name] }
        if relativeToParent, let parent { candidates.append(joinPath(directoryOf(parent), name)) }
        candidates += roots.map { joinPath($0, name) }
        for path in candidates {
            if let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) {
                return (text, path)
            }
        }
        return nil
    }
}
