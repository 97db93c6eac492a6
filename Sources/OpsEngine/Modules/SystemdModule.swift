import Foundation
import Jinja
import OpsCore

/// `systemd`: a unit's state (started/stopped/restarted/reloaded), enabled, masked, and
/// daemon-reload, in one round trip. Returns the unit's `systemctl show` properties as `status`,
/// taken before any change, as Ansible does.
enum SystemdModule: Module {
    static let spec = ModuleSpec(
        name: "systemd", aliases: ["systemd_service"],
        args: [
            .init("name", aliases: ["service", "unit"]),
            .init("state", choices: ["reloaded", "restarted", "started", "stopped"]), .init("enabled", .bool),
            .init("force", .bool), .init("masked", .bool), .init("daemon_reload", .bool, aliases: ["daemon-reload"]),
            .init("daemon_reexec", .bool, aliases: ["daemon-reexec"]),
            .init("scope", choices: ["system", "user", "global"]), .init("no_block", .bool),
        ],
        requiredOneOf: [["state", "enabled", "masked", "daemon_reload", "daemon_reexec"]],
        requiredIf: [
            .init("state", "started", ["name"]), .init("state", "stopped", ["name"]),
            .init("state", "restarted", ["name"]), .init("state", "reloaded", ["name"]),
            .init("enabled", "true", ["name"]), .init("enabled", "false", ["name"]),
            .init("masked", "true", ["name"]), .init("masked", "false", ["name"]),
        ])

    struct Request {
        var name: String?
        var state: String?
        var enabled: Bool?
        var masked: Bool?
        var daemonReload = false
        var daemonReexec = false
        var scope = "system"
        var noBlock = false
        var force = false
    }

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        var req = Request()
        req.name = args.string("name")
        req.state = args.string("state")
        req.enabled = try args.value("enabled").map { _ in try args.bool("enabled", default: false) }
        req.masked = try args.value("masked").map { _ in try args.bool("masked", default: false) }
        req.daemonReload = try args.bool("daemon_reload", default: false)
        req.daemonReexec = try args.bool("daemon_reexec", default: false)
        req.scope = args.string("scope") ?? "system"
        req.noBlock = try args.bool("no_block", default: false)
        req.force = try args.bool("force", default: false)
        if req.name == nil && (req.state != nil || req.enabled != nil || req.masked != nil) {
            throw ModuleError("systemd: name is required with state, enabled or masked")
        }
        let r = try context.run(script(req, context))
        return parse(r.stdoutText, r.stderrText, r.exitStatus, req, context)
    }

    private static let showMarker = "--opsctl-systemctl-show--"

    /// The shell for one unit: reload/reexec, then masked, enabled and state, each changed only
    /// when it differs (Ansible's order), printing `key=value` lines and then the `show` output.
    static func script(_ req: Request, _ context: ModuleContext) -> String {
        let q = RemoteScript.q
        let sc = "systemctl" + (req.scope == "user" ? " --user" : req.scope == "global" ? " --global" : "")
        var s = """
            check=\(context.checkMode ? 1 : 0); changed=0; sc=\(q(sc)); fail() { echo "$1" >&2; exit 1; }

            """
        if req.daemonReload {
            s += "[ \"$check\" = 1 ] || $sc daemon-reload || fail \"failure $? during daemon-reload\"\n"
        }
        if req.daemonReexec {
            s += "[ \"$check\" = 1 ] || $sc daemon-reexec || fail \"failure $? during daemon-reexec\"\n"
        }
        guard let name = req.name else { return s + "echo changed=$changed\n" }
        let force = req.force ? " --force" : ""
        let noBlock = req.noBlock ? " --no-block" : ""
        s += """
            u=\(q(name))
            show=$($sc show "$u" 2>/dev/null)
            prop() { printf '%s\\n' "$show" | sed -n "s/^$1=//p" | head -n 1; }
            load=$(prop LoadState); found=0
            if [ -n "$load" ] && [ "$load" != not-found ]; then found=1
            elif $sc list-unit-files --no-legend "$u" 2>/dev/null | grep -q .; then found=1; fi
            missing() { [ $found = 1 ] || fail "Could not find the requested service $u: host"; }
            if [ $found = 1 ] && [ "$load" != masked ] && [ -n "$(prop LoadError)" ]; then
              fail "Error loading unit file '$u': $(prop LoadError)"; fi

            """
        if let masked = req.masked {
            s += """
                if [ "$($sc is-enabled "$u" 2>/dev/null)" = masked ]; then m=1; else m=0; fi
                if [ $m != \(masked ? 1 : 0) ]; then changed=1
                  if [ "$check" = 0 ]; then o=$($sc \(masked ? "mask" : "unmask")\(force) "$u" 2>&1) || fail "Unable to \(masked ? "mask" : "unmask") service $u: $o"; fi; fi

                """
        }
        if let enabled = req.enabled {
            // is-enabled exits 0 for enabled, static, indirect, alias...; Ansible counts indirect and alias as disabled.
            s += """
                missing
                e=$($sc is-enabled "$u" 2>/dev/null); if [ $? = 0 ]; then en=1; case "$e" in indirect|alias) en=0;; esac; else en=0; fi
                if [ $en != \(enabled ? 1 : 0) ]; then changed=1
                  if [ "$check" = 0 ]; then o=$($sc \(enabled ? "enable" : "disable")\(force) "$u" 2>&1) || fail "Unable to \(enabled ? "enable" : "disable") service $u: $o"; fi; fi

                """
        }
        if let state = req.state {
            let running = "case \"$act\" in active|activating) r=1;; *) r=0;; esac"
            var pick: String
            switch state {
            case "started": pick = "[ $r = 1 ] || action=start"
            case "stopped": pick = "{ [ $r = 1 ] || [ \"$act\" = deactivating ]; } && action=stop"
            default: pick = "if [ $r = 1 ]; then action=\(state.dropLast(2)); else action=start; fi"
            }
            s += """
                missing
                act=$(prop ActiveState); \(running); action=""
                \(pick)
                if [ -n "$action" ]; then changed=1
                  if [ "$check" = 0 ]; then o=$($sc $action\(noBlock) "$u" 2>&1) || fail "Unable to $action service $u: $o"; fi; fi

                """
        }
        s += "echo changed=$changed; echo \(showMarker); printf '%s\\n' \"$show\"\n"
        return s
    }

    /// The result Ansible's systemd module returns: name, changed, status, and state/enabled when asked.
    static func parse(_ stdout: String, _ stderr: String, _ rc: Int32, _ req: Request, _ context: ModuleContext)
        -> ModuleResult
    {
        if rc != 0 {
            let err = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            var r = ModuleResult.failure(err.isEmpty ? "systemd failed on \(context.host) (rc=\(rc))" : err)
            if let name = req.name { r.values["name"] = .string(name) }
            return r
        }
        let parts = stdout.components(separatedBy: showMarker + "\n")
        let kv = RemoteScript.keyValues(parts[0])
        var result = ModuleResult(changed: kv["changed"] == "1")
        guard let name = req.name else { return result }
        result.values["name"] = .string(name)
        var status = ValueDict()
        if parts.count > 1 {
            var last: String?
            for line in parts[1].split(separator: "\n", omittingEmptySubsequences: true) {
                if let eq = line.firstIndex(of: "=") {
                    let key = String(line[..<eq])
                    status[key] = .string(String(line[line.index(after: eq)...]))
                    last = key
                } else if let key = last, case .string(let v)? = status[key] {
                    status[key] = .string(v + "\n" + line)
                }
            }
        }
        result.values["status"] = .dict(status)
        if let state = req.state {
            result.values["state"] = .string(state == "restarted" || state == "reloaded" ? "started" : state)
        }
        if let enabled = req.enabled { result.values["enabled"] = .bool(enabled) }
        return result
    }
}
