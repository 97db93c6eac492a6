import Foundation
import Jinja
import OpsCore

/// The lookups that read the control node: `file`, `fileglob`, `first_found`, `template`, and the
/// commands `pipe` and `lines` (run by /bin/sh in the playbook's directory).
extension Lookups {
    static let files: [String: Plugin] = {
        var p: [String: Plugin] = [:]
        p["file"] = { terms, o, ctx in
            let lstrip = try o.bool(99, "lstrip", default: false)
            let rstrip = try o.bool(99, "rstrip", default: true)
            return try strings(terms, "file").map { term in
                let (found, looked) = try find(term, in: "files", ctx)
                guard let path = found, let data = FileManager.default.contents(atPath: path) else {
                    throw TemplateError(
                        .runtime, "could not locate file \"\(term)\" (looked in \(looked.joined(separator: ", ")))")
                }
                guard var text = String(data: data, encoding: .utf8) else {
                    throw TemplateError(.runtime, "\(path) is not UTF-8 text")
                }
                if lstrip { text = String(text.drop { $0.isWhitespace }) }
                if rstrip { text = String(text.reversed().drop { $0.isWhitespace }.reversed()) }
                return .string(text)
            }
        }
        p["fileglob"] = { terms, _, ctx in
            for term in try strings(terms, "fileglob") {
                let dir = directoryOf(term)
                let pattern = String(term.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
                var bases: [String] = []
                if pattern != term {
                    if let found = try find(dir, in: "files", ctx).0 { bases = [found] }
                } else {
                    for p in try searchPaths(ctx) { bases += [joinPath(p, "files"), p] }
                }
                for base in bases {
                    let matches = ControlNode.glob(joinPath(base, pattern)).filter(ControlNode.isFile)
                    if !matches.isEmpty { return matches.map { .string($0) } }
                }
            }
            return []
        }
        p["first_found"] = { terms, o, ctx in
            var candidates: [String] = []
            var skip = try o.bool(99, "skip", default: false)
            func split(_ v: Value?, _ separators: String) throws -> [String] {
                guard let v, !v.isNone else { return [] }
                let items = v.listValue ?? [v]
                return try items.flatMap { item -> [String] in
                    let s = try item.pythonString()
                    return s.split(whereSeparator: { separators.contains($0) }).map(String.init)
                }
            }
            func add(files: [String], paths: [String]) {
                if paths.isEmpty {
                    candidates += files
                } else {
                    for path in paths { for f in files { candidates.append(joinPath(path, f)) } }
                }
            }
            func process(_ terms: [Value]) throws {
                for term in terms {
                    switch term {
                    case .string(let s): candidates.append(s)
                    case .list(let l), .tuple(let l): try process(l)
                    case .dict(let d):
                        if let s = d["skip"] { skip = try s.truthy() }
                        add(files: try split(d["files"], ",;"), paths: try split(d["paths"], ",:;"))
                    case .undefined(let u): throw TemplateError(.undefined, u.hint)
                    default:
                        throw TemplateError(
                            .type, "first_found takes file names or {files, paths}, got \(term.typeName)")
                    }
                }
            }
            try process(terms)
            if o.get("files") != nil || o.get("paths") != nil {
                add(files: try split(o.get("files"), ",;"), paths: try split(o.get("paths"), ",:;"))
            }
            // As a lookup, first_found looks in the search path itself; as `with_first_found`, in the
            // folder the task's module implies (templates/, vars/, files/).
            let subdir = try o.string(99, "_subdir")
            var looked: [String] = []
            for name in candidates {
                let (found, where_) = try find(name, in: subdir, ctx)
                if let found { return [.string(ControlNode.absolute(found))] }
                looked += where_
            }
            if skip { return [] }
            throw TemplateError(
                .runtime,
                "no file was found among \(candidates.map { "\"\($0)\"" }.joined(separator: ", "))"
                    + " (looked in \(looked.joined(separator: ", ")))")
        }
        p["template"] = { terms, o, ctx in
            var extra = ValueDict()
            if let tv = o.get("template_vars") {
                guard let d = tv.dictValue else { throw TemplateError(.type, "template_vars must be a mapping") }
                extra = d
            }
            return try strings(terms, "template").map { term in
                let (found, looked) = try find(term, in: "templates", ctx)
                guard let path = found, let data = FileManager.default.contents(atPath: path),
                    let source = String(data: data, encoding: .utf8)
                else {
                    throw TemplateError(
                        .runtime, "could not locate template \"\(term)\" (looked in \(looked.joined(separator: ", ")))")
                }
                // Template files keep their backslashes' escapes, as the template module does.
                var options = ctx.environment.options
                options.escapeBackslashes = false
                let env = Jinja.Environment(
                    options: options, loader: FileTemplateLoader(roots: [directoryOf(path)]),
                    filters: ctx.environment.filters, tests: ctx.environment.tests,
                    globals: ctx.environment.globals)
                let outer = ClosureResolver { name in
                    let v = try ctx.variable(name)
                    return v.isUndefined ? nil : v
                }
                return .string(try env.template(source: source, name: path).render(ChainResolver([extra, outer])))
            }
        }
        p["pipe"] = { terms, _, ctx in
            try strings(terms, "pipe").map { command in
                let (status, out) = try ControlNode.shell(command, in: try baseDirectory(ctx))
                guard status == 0 else {
                    throw TemplateError(.runtime, "command `\(command)` exited with status \(status)")
                }
                return .string(String(out.reversed().drop { $0.isWhitespace }.reversed()))
            }
        }
        p["lines"] = { terms, _, ctx in
            try strings(terms, "lines").flatMap { command -> [Value] in
                let (status, out) = try ControlNode.shell(command, in: try baseDirectory(ctx))
                guard status == 0 else {
                    throw TemplateError(.runtime, "command `\(command)` exited with status \(status)")
                }
                return PyLines.split(out).map { .string($0) }
            }
        }
        return p
    }()
}

/// Python's `str.splitlines()` for command output.
enum PyLines {
    static func split(_ s: String) -> [String] {
        var lines: [String] = []
        var current = ""
        var lastWasCR = false
        for c in s.unicodeScalars {
            if lastWasCR && c == "\n" {
                lastWasCR = false
                continue
            }
            lastWasCR = c == "\r"
            if c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" || c == "\u{1C}" || c == "\u{1D}"
                || c == "\u{1E}" || c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}"
            {
                lines.append(current)
                current = ""
            } else {
                current.unicodeScalars.append(c)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
