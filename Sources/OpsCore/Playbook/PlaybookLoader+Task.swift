@preconcurrency import Yams
import Jinja

extension PlaybookLoader {
    func parseTask(_ m: Node.Mapping, node: Node, _ source: Source) throws -> Task {
        var moduleKey: (name: String, key: Node, value: Node)?
        var extraArgs: Node?
        var keywords = InheritedKeywords()
        var fields: [(String, Node, Node)] = []
        for (keyNode, value) in m {
            let key = keyNode.scalar!.string
            if try inheritedKeyword(key, value, into: &keywords, source) { continue }
            if Self.taskKeywords.contains(key) {
                fields.append((key, keyNode, value))
                continue
            }
            if key == "action" || key == "local_action" { continue }
            guard catalog.spec(key) != nil else {
                let keywordHint = Suggestion.closest(to: key, in: Self.taskKeywords)
                let moduleHint = Suggestion.closest(to: ModuleCatalog.shortName(key), in: catalog.names)
                if let keywordHint {
                    throw source.error("unknown task keyword \"\(key)\" (did you mean \"\(keywordHint)\"?)", keyNode)
                }
                let hint = moduleHint.map { " (did you mean \"\($0)\"?)" } ?? ""
                throw source.error("unknown module \"\(key)\"\(hint)", keyNode)
            }
            if let first = moduleKey {
                throw source.error(
                    "a task runs one module, but this one names two: \"\(first.name)\" and \"\(key)\"", keyNode)
            }
            moduleKey = (key, keyNode, value)
        }
        // `action: copy src=a dest=b` and `local_action: …` name the module inside their value.
        for (keyNode, value) in m {
            let key = keyNode.scalar!.string
            guard key == "action" || key == "local_action" else { continue }
            if moduleKey != nil { throw source.error("\(key) and a module cannot be used together", keyNode) }
            let (name, rest) = try actionModule(value, source)
            guard catalog.spec(name) != nil else {
                let hint = Suggestion.closest(to: name, in: catalog.names).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw source.error("unknown module \"\(name)\"\(hint)", value)
            }
            moduleKey = (name, value, rest)
            if key == "local_action" { keywords.delegateTo = Node("localhost") }
        }
        guard let moduleKey else {
            let hint = fields.isEmpty ? "" : " (found only keywords: \(fields.map(\.0).joined(separator: ", ")))"
            throw source.error("this task names no module\(hint); add one, e.g. `command: …` or `copy: …`", node)
        }
        let spec = catalog.spec(moduleKey.name)!
        var task = Task(
            name: nil, module: spec.name, args: [], keywords: keywords, location: source.location(node),
            rolePath: source.rolePath, baseDirectory: source.baseDirectory)
        for (key, keyNode, value) in fields {
            switch key {
            case "name": task.name = try source.string(value, key)
            case "args": extraArgs = value
            case "loop", "with_list": task.loop = value
            case "with_items":
                task.loop = value
                task.loopFlatten = true
            case "with_dict":
                // `with_dict: x` is `loop: "{{ x | dict2items }}"`.
                switch value {
                case .scalar(let s):
                    let inner = PlaybookLoader.bareExpression(s.string)
                    task.loop = Node("{{ (\(inner)) | dict2items }}")
                case .mapping:
                    task.loop = value
                    task.loopOverMapping = true
                default:
                    throw source.error("with_dict takes a mapping or an expression naming one", value)
                }
            case "loop_control": task.loopControl = try parseLoopControl(value, source)
            case let k where k.hasPrefix("with_") && Self.withLookups.contains(String(k.dropFirst(5))):
                task.loop = value
                task.loopLookup = String(k.dropFirst(5))
            case "register":
                let name = try source.string(value, key)
                guard PlaybookLoader.isIdentifier(name) else {
                    throw source.error("register needs a variable name (letters, digits, _), got \"\(name)\"", value)
                }
                task.register = name
            case "notify": task.notify = try source.strings(value, key)
            case "listen":
                guard source.isHandler else { throw source.error("listen is only for handlers", keyNode) }
                task.listen = try source.strings(value, key)
            case "changed_when": task.changedWhen = try source.expressions(value, key)
            case "failed_when": task.failedWhen = try source.expressions(value, key)
            case "until": task.until = try source.expressions(value, key)
            case "retries": task.retries = value
            case "delay": task.delay = value
            case "delegate_facts": break
            case "rescue", "always":
                throw source.error("\(key) belongs to a block: put the tasks under `block:`", keyNode)
            default: break
            }
        }
        task.args = try moduleArguments(spec, moduleKey.value, keyNode: moduleKey.key, extra: extraArgs, source)
        if task.until != nil && task.retries == nil { task.retries = Node("3", Tag(.int)) }
        return task
    }

    /// Splits `copy src=a dest=b` (or `{module: copy, src: a}`) into the module name and its arguments.
    private func actionModule(_ value: Node, _ source: Source) throws -> (String, Node) {
        switch value {
        case .scalar(let s):
            let text = s.string.trimmingCharacters(in: " ")
            let name = String(text.prefix { $0 != " " })
            let rest = String(text.dropFirst(name.count)).trimmingCharacters(in: " ")
            return (name, Node(rest, Tag(.str)))
        case .mapping(var m):
            guard let module = m["module"]?.scalar?.string else {
                throw source.error("action as a mapping needs `module:`", value)
            }
            m["module"] = nil
            return (module, .mapping(m))
        default:
            throw source.error("action must name a module and its arguments", value)
        }
    }

    /// A valid variable name (`register:`, `set_fact:`): a letter or _, then letters, digits, _.
    public static func isIdentifier(_ s: String) -> Bool {
        guard let f = s.first, f.isLetter || f == "_" else { return false }
        return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }
}
