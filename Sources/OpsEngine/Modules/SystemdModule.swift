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
        if let name = req.name, let glob = ["*", "?", "["].first(where: { name.contains($0) }) {
            return .failure(
                "This module does not currently support using glob patterns, found '\(glob)' in service name: \(name)")
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
            s += "[ \"$check\" = 1 ] || o=$($sc daemon-reload 2>&1) || fail \"failure $? during daemon-reload: $o\"\n"
        }
        if req.daemonReexec {
            s += "[ \"$check\" = 1 ] || o=$($sc daemon-reexec 2>&1) || fail \"failure $? during daemon-reexec: $o\"\n"
        }
        guard let name = req.name else { return s + "echo changed=$changed\n" }
        let force = req.force ? " --force" : ""
        let noBlock = req.noBlock ? " --no-block" : ""
        s += """
            u=\(q(name))
            show=$($sc show "$u" 2>/dev/null)
            prop() { printf '%s\\n' "$show" | sed -n "s/^$1=//p" | head -n 1; }
            load=$(prop LoadState); found=0; initd=0; [ ! -x "/etc/init.d/$u" ] || initd=1
            if [ -n "$load" ] && [ "$load" != not-found ]; then found=1
            elif [ -z "$load" ]; then
              # show does not answer without a running systemd (chroots, containers being built).
              case "$($sc is-enabled "$u" 2>/dev/null)" in
                enabled|enabled-runtime|linked|linked-runtime|masked|masked-runtime|static|indirect|disabled|generated|\
                    transient) found=1;;
                *) ! $sc list-unit-files "$u" >/dev/null 2>&1 || found=1;;
              esac
            fi
            [ $initd = 0 ] || found=1
            missing() { [ $found = 1 ] || fail "Could not find the requested service $u: host"; }
            if [ $found = 1 ] && [ "$load" != masked ] && [ -n "$(prop LoadError)" ]; then
              fail "Error loading unit file '$u': $(prop LoadError)"; fi

            """
        if let masked = req.masked {
            s += """
                if [ "$($sc is-enabled "$u" 2>/dev/null)" = masked ]; then m=1; else m=0; fi
                if [ $m != \(masked ? 1 : 0) ]; then changed=1
                  if [ "$check" = 0 ]; then
                      $sc \(masked ? "mask" : "unmask")\(force) "$u" >/dev/null 2>&1 || missing; fi; fi

                """
        }
        if let enabled = req.enabled {
            // is-enabled exits 0 for enabled, static, indirect, alias...; Ansible counts indirect and alias
            // as disabled.
            s += """
                missing
                e=$($sc is-enabled "$u" 2>/dev/null); erc=$?; en=0
                if [ $erc = 0 ]; then en=1; case "$e" in indirect|alias) en=0;; esac
                elif [ $erc = 1 ] && [ $initd = 1 ] && [ \(req.scope == "system" ? 1 : 0) = 1 ]; then
                  case "$e" in *disabled) ;; *) ! ls /etc/rc[2345].d/S??"$u" >/dev/null 2>&1 || en=1;; esac; fi
                if [ $en != \(enabled ? 1 : 0) ]; then changed=1
                  if [ "$check" = 0 ]; then o=$($sc \(enabled ? "enable" : "disable")\(force) "$u" 2>&1) ||
                      fail "Unable to \(enabled ? "enable" : "disable") service $u: $o"; fi; fi

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
                if [ -z "$act" ]; then
                  [ "$SYSTEMD_OFFLINE" = 1 ] || fail "Service is in unknown state"
                  echo "warning=Target is a chroot or systemd is offline. This can lead to false positives or prevent \
                  the init system tools from working."
                else
                \(pick)
                fi
                if [ -n "$action" ]; then changed=1
                  if [ "$check" = 0 ]; then
                      o=$($sc $action\(noBlock) "$u" 2>&1) || fail "Unable to $action service $u: $o"; fi; fi

                """
        }
        s += "echo changed=$changed; echo \(showMarker); printf '%s\\n' \"$show\"\n"
        return s
    }

    /// `systemctl show` output as Ansible parses it: `Key=value` lines, values trimmed, and only
    /// `Exec*={ …` values spanning lines until one ends with `}`.
    static func parseShow(_ text: String) -> ValueDict {
        var parsed = ValueDict()
        var key: String?
        var multi: [String] = []
        for line in text.components(separatedBy: "\n") {
            if let k = key {
                multi.append(line)
                if line.trimmingCharacters(in: .whitespaces).hasSuffix("}") {
                    parsed[k] = .string(multi.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))
                    multi = []
                    key = nil
                }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let k = String(line[..<eq]), v = String(line[line.index(after: eq)...])
            if k.hasPrefix("Exec"), v.trimmingCharacters(in: .whitespaces).hasPrefix("{"),
                !v.trimmingCharacters(in: .whitespaces).hasSuffix("}")
            {
                key = k
                multi = [v]
                continue
            }
            parsed[k] = .string(v.trimmingCharacters(in: .whitespaces))
        }
        return parsed
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
        result.values["status"] = .dict(parts.count > 1 ? parseShow(parts[1]) : ValueDict())
        if let w = kv["warning"] { result.warnings.append(w) }
        if let state = req.state {
            result.values["state"] = .string(state == "restarted" || state == "reloaded" ? "started" : state)
        }
        if let enabled = req.enabled { result.values["enabled"] = .bool(enabled) }
        return result
    }
}
