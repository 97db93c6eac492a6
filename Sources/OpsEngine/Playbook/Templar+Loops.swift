import Jinja
import OpsCore

extension Templar {
    /// The items of `with_<lookup>: terms`, as Ansible's task executor gets them: the templated
    /// terms as a list (a lone string becomes a one-item list), run through the lookup.
    func loopItems(_ lookup: String, terms: Value, _ task: Task, _ scope: any VariableResolver) throws -> Value {
        var layer = ValueDict()
        layer["__opsctl_with_lookup"] = .string(lookup)
        layer["__opsctl_with_terms"] = terms.listValue.map { .list($0) } ?? .list([terms])
        // with_first_found looks in the folder the module implies, as Ansible does.
        let subdir = task.module.contains("template") ? "templates" : task.module.contains("var") ? "vars" : "files"
        layer["__opsctl_with_subdir"] = .string(subdir)
        let expression = OpsCore.Expression(
            "query(__opsctl_with_lookup, __opsctl_with_terms, _with_terms=True, _subdir=__opsctl_with_subdir)",
            at: task.location)
        return try evaluate(expression, ChainResolver([layer, scope]))
    }
}
