import Foundation
import Jinja
import OpsCore

/// Ansible's `lookup()`, `query()` and `q()`: plugins that run on the control node while a value is
/// templated. `lookup` joins a multi-string result with commas unless `wantlist=True`; `query`
/// always returns the list. `errors=ignore|warn` turn a failure into None (`[]` for a list).
enum Lookups {
    /// A lookup plugin: the terms and options it was called with → its list of results.
    typealias Plugin = @Sendable (_ terms: [Value], _ options: Arguments, _ context: CallContext) throws -> [Value]

    static let plugins: [String: Plugin] = {
        var p: [String: Plugin] = [:]
        for table in [files, lists, data] {
            for (k, v) in table { p[k] = v }
        }
        return p
    }()

    static let globals: ValueDict = [
        "lookup": .object(FunctionObject(name: "lookup") { a, ctx in try invoke(a, ctx, wantlist: false) }),
        "query": .object(FunctionObject(name: "query") { a, ctx in try invoke(a, ctx, wantlist: true) }),
        "q": .object(FunctionObject(name: "q") { a, ctx in try invoke(a, ctx, wantlist: true) }),
    ]

    static func invoke(_ a: Arguments, _ ctx: CallContext, wantlist queried: Bool) throws -> Value {
        guard case .string(let full)? = a.positional.first else {
            throw TemplateError(.type, "lookup() needs the lookup's name first, e.g. lookup('file', 'motd.txt')")
        }
        let name = full.split(separator: ".").last.map(String.init) ?? full
        guard let plugin = plugins[name] else {
            var m = "no lookup named '\(full)'"
            if let s = Suggestion.closest(to: name, in: Array(plugins.keys)) { m += "; did you mean '\(s)'?" }
            throw TemplateError(.runtime, m)
        }
        var wantlist = queried
        var errors = "strict"
        var named: [(String, Value)] = []
        var terms = Array(a.positional.dropFirst())
        for (k, v) in a.named {
            switch k {
            case "wantlist": wantlist = try v.truthy()
            case "errors": errors = try v.pythonString()
            // A `with_<lookup>` loop passes its terms as one list (Templar.loopItems).
            case "_with_terms": if try v.truthy(), let l = terms.first?.listValue { terms = l }
            default: named.append((k, v))
            }
        }
        guard ["strict", "warn", "ignore"].contains(errors) else {
            throw TemplateError(.runtime, "lookup('\(name)'): errors must be strict, warn or ignore, not '\(errors)'")
        }
        let result: [Value]
        do {
            result = try plugin(terms, Arguments([], named: named), ctx)
        } catch let error as TemplateError {
            if errors != "strict" { return wantlist ? .list([]) : .none }
            if case .undefined = error.kind { throw error }
            throw TemplateError(error.kind, "lookup('\(name)'): \(error.message)")
        } catch {
            if errors != "strict" { return wantlist ? .list([]) : .none }
            throw TemplateError(.runtime, "lookup('\(name)'): \(error)")
        }
        if wantlist || result.isEmpty { return .list(result) }
        if result.count == 1 { return result[0] }
        let strings = result.compactMap(\.stringValue)
        return strings.count == result.count ? .string(strings.joined(separator: ",")) : .list(result)
    }

    // MARK: Search path

    /// Where relative names are looked up: the task's `ansible_search_path` (its role, then its own
    /// directory), else the playbook's directory.
    static func searchPaths(_ ctx: CallContext) throws -> [String] {
        if let l = try ctx.variable("ansible_search_path").listValue {
            let paths = l.compactMap(\.stringValue)
            if !paths.isEmpty { return paths }
        }
        return [try baseDirectory(ctx)]
    }

    /// Ansible's `ansible_search_path` for a task: its role, then the directory of its file.
    static func searchPath(for task: Task) -> Value {
        var paths: [String] = []
        if let role = task.rolePath { paths.append(ControlNode.absolute(role)) }
        let own = ControlNode.absolute(task.baseDirectory)
        if !paths.contains(own) { paths.append(own) }
        return .list(paths.map { .string($0) })
    }

    static func baseDirectory(_ ctx: CallContext) throws -> String {
        if case .string(let d) = try ctx.variable("playbook_dir") { return d }
        return FileManager.default.currentDirectoryPath
    }

    /// Ansible's `find_file_in_search_path`: for each search path, `path/subdir/name` then `path/name`,
    /// then the same under the playbook's directory. Returns the file, or nil and where it looked.
    static func find(_ name: String, in subdir: String?, _ ctx: CallContext) throws -> (String?, [String]) {
        if name.hasPrefix("/") || name.hasPrefix("~") {
            let p = ControlNode.expandUser(name)
            return (FileManager.default.fileExists(atPath: p) ? p : nil, [p])
        }
        var candidates: [String] = []
        let inSubdir = subdir == nil || name.split(separator: "/").first.map(String.init) == subdir
        for base in try searchPaths(ctx) + [try baseDirectory(ctx)] {
            if let subdir, !inSubdir { candidates.append(joinPath(joinPath(base, subdir), name)) }
            candidates.append(joinPath(base, name))
        }
        var seen = Set<String>()
        candidates = candidates.filter { seen.insert($0).inserted }
        return (candidates.first { FileManager.default.fileExists(atPath: $0) }, candidates)
    }

    static func strings(_ terms: [Value], _ lookup: String) throws -> [String] {
        try terms.map { t in
            guard case .string(let s) = t else {
                if case .undefined(let u) = t { throw TemplateError(.undefined, u.hint) }
                throw TemplateError(.type, "\(lookup) takes strings, got \(t.typeName)")
            }
            return s
        }
    }
}
