/// Lexer and output options. The defaults are those of Ansible's `template` module.
public struct TemplateOptions: Sendable, Equatable {
    /// Remove the first newline after a block tag (`%}`) or comment. Ansible: true.
    public var trimBlocks = true
    /// Strip spaces and tabs before a block tag at the start of a line. Ansible: false.
    public var lstripBlocks = false
    /// Keep the source's final newline (jinja2's option). Ansible leaves it false and instead
    /// restores the trailing newlines of the top-level template (`preserveTrailingNewlines`).
    public var keepTrailingNewline = false
    /// Ansible's `preserve_trailing_newlines`: the output of the top-level template ends with at least as
    /// many newlines as its source. Included templates are not affected.
    public var preserveTrailingNewlines = true
    /// Ansible's finalize: `{{ none }}` prints an empty string instead of `None`.
    public var noneAsEmpty = true
    /// Ansible's `escape_backslashes`, on for strings templated from playbook YAML (not for template
    /// files nor conditionals): backslashes in string literals inside `{{ }}` are kept as written, so
    /// `regex_replace('\\d+', '\\1')` sees `\d+` and `\1` rather than escape sequences.
    public var escapeBackslashes = false

    public init(
        trimBlocks: Bool = true, lstripBlocks: Bool = false, keepTrailingNewline: Bool = false,
        preserveTrailingNewlines: Bool = true, noneAsEmpty: Bool = true
    ) {
        self.trimBlocks = trimBlocks
        self.lstripBlocks = lstripBlocks
        self.keepTrailingNewline = keepTrailingNewline
        self.preserveTrailingNewlines = preserveTrailingNewlines
        self.noneAsEmpty = noneAsEmpty
    }

    /// Plain jinja2 defaults (`Environment()`), for comparison with non-Ansible users.
    public static let jinja2 = TemplateOptions(
        trimBlocks: false, lstripBlocks: false, keepTrailingNewline: false, preserveTrailingNewlines: false,
        noneAsEmpty: false)
    /// Ansible's template module.
    public static let ansible = TemplateOptions()
}
