@preconcurrency import Yams

/// YAML parsing that turns libyaml's complaints into `InputError`s with file:line:col, and
/// keeps node positions so later checks can point into the file too.
public enum YAMLDocument {
    /// Parses one YAML document. An empty file gives nil.
    public static func parse(_ text: String, file: String) throws -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw inputError(error, file: file, text: text)
        }
    }

    /// Parses every document of a multi-document stream.
    public static func parseAll(_ text: String, file: String) throws -> [Node] {
        do {
            return Array(try Yams.compose_all(yaml: text))
        } catch let error as YamlError {
            throw inputError(error, file: file, text: text)
        }
    }

    public static func location(of node: Node, file: String) -> SourceLocation? {
        node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
    }

    static func inputError(_ error: YamlError, file: String, text: String) -> InputError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let loc = SourceLocation(file: file, line: mark.line, column: mark.column)
            let ctx = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return InputError("invalid YAML: \(problem)\(ctx)", at: loc, in: text)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let loc = SourceLocation(file: file, line: context.mark.line, column: context.mark.column)
            return InputError(
                "duplicate key\(duplicates.count > 1 ? "s" : "") \(duplicates.joined(separator: ", ")) in mapping",
                at: loc, in: text)
        default:
            return InputError("invalid YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }
}
