import Jinja
import OpsCore

/// `meta`: asks the runner to act (`flush_handlers`, `end_play`, `end_host`, …).
enum MetaModule: Module {
    static let spec = ModuleSpec(name: "meta", args: [.init("_raw_params")], freeForm: true, controlOnly: true)

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let text = args.string("_raw_params") ?? ""
        guard let action = MetaAction(rawValue: text) else {
            let names = ["flush_handlers", "noop", "end_play", "end_host", "clear_facts", "clear_host_errors",
                "refresh_inventory", "reset_connection"]
            let hint = Suggestion.closest(to: text, in: names).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw ModuleError("meta: unknown action \"\(text)\"\(hint)")
        }
        var result = ModuleResult()
        result.meta = action
        return result
    }
}
