import Foundation
import Jinja
import OpsCore

/// `service`: Ansible's generic service module. On a systemd host it does what `systemd` does
/// (same result, `status` included, as Ansible's service action hands over to systemd); on a
/// SysV host it drives /etc/init.d scripts and update-rc.d.
enum ServiceModule: Module {
    static let spec = ModuleSpec(
        name: "service",
        args: [
            .init("name", required: true), .init("state", choices: ["reloaded", "restarted", "started", "stopped"]),
            .init("enabled", .bool), .init("sleep", .int), .init("pattern"), .init("arguments", aliases: ["args"]),
            .init("runlevel"), .init("use"),
        ],
        requiredOneOf: [["state", "enabled"]])

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        var req = SystemdModule.Request()
        let name = try args.require("name")
        req.name = name
        req.state = args.string("state")
        req.enabled = try args.value("enabled").map { _ in try args.bool("enabled", default: false) }
        let use = args.string("use") ?? "auto"
        let systemd = SystemdModule.script(req, context)
        let sysv = sysvScript(name: name, state: req.state, enabled: req.enabled, sleep: try args.int("sleep") ?? 1,
            pattern: args.string("pattern"), arguments: args.string("arguments"), context)
        let script: String
        switch use {
        case "systemd": script = "echo manager=systemd\n" + systemd
        case "sysvinit", "sysv", "service": script = "echo manager=sysv\n" + sysv
        case "auto":
            script = "if [ -d /run/systemd/system ]; then echo manager=systemd\n\(systemd)\n"
                + "else echo manager=sysv\n\(sysv)\nfi\n"
        default: throw ModuleError("service: use must be auto, systemd or sysvinit, got \"\(use)\"")
        }
        let r = try context.run(script)
        if r.stdoutText.hasPrefix("manager=systemd") {
            var result = SystemdModule.parse(r.stdoutText, r.stderrText, r.exitStatus, req, context)
            for unused in ["pattern", "runlevel", "sleep", "arguments"] where args.has(unused) {
                result.warnings.append("Ignoring \"\(unused)\" as it is not used in \"systemd\"")
            }
            return result
        }
        if r.exitStatus != 0 {
            let err = r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            return .failure(err.isEmpty ? "service \(name) failed on \(context.host) (rc=\(r.exitStatus))" : err)
        }
        let kv = RemoteScript.keyValues(r.stdoutText)
        var result = ModuleResult(changed: kv["changed"] == "1")
        result.values["name"] = .string(name)
        if let state = req.state { result.values["state"] = .string(state) }
        if let enabled = req.enabled { result.values["enabled"] = .bool(enabled) }
        return result
    }

    /// SysV init: `status` (or `pattern` in the process list) says whether it runs; restarted and
    /// reloaded always act, as in Ansible.
    static func sysvScript(name: String, state: String?, enabled: Bool?, sleep: Int, pattern: String?,
        arguments: String?, _ context: ModuleContext) -> String
    {
        let q = RemoteScript.q
        let extra = arguments.map { " " + $0 } ?? ""
        var s = """
            check=\(context.checkMode ? 1 : 0); changed=0; n=\(q(name)); s="/etc/init.d/$n"
            fail() { echo "$1" >&2; exit 1; }
            [ -x "$s" ] ||
              fail "cannot find 'service' binary or init script for service $n, \
              possible typo in service name?, aborting"
            act() { [ "$check" = 1 ] && return 0; o=$("$s" "$1"\(extra) 2>&1) || fail "Unable to $1 service $n: $o"; }

            """
        if let state {
            let running = pattern.map { "pgrep -f \(q($0)) >/dev/null 2>&1" } ?? "\"$s\" status >/dev/null 2>&1"
            switch state {
            case "started": s += "\(running) || { changed=1; act start; }\n"
            case "stopped": s += "if \(running); then changed=1; act stop; fi\n"
            case "restarted":
                s += "changed=1; if \(running); then act stop; fi; [ \"$check\" = 1 ] || sleep \(sleep); act start\n"
            default: s += "changed=1; act reload\n"
            }
        }
        if let enabled {
            s += """
                if ls /etc/rc[2345].d/S[0-9][0-9]"$n" >/dev/null 2>&1; then en=1; else en=0; fi
                if [ $en != \(enabled ? 1 : 0) ]; then changed=1
                  if [ "$check" = 0 ]; then
                    \(enabled ? "o=$(update-rc.d \"$n\" defaults 2>&1 && update-rc.d \"$n\" enable 2>&1)"
                        : "o=$(update-rc.d \"$n\" disable 2>&1)") ||
                      fail "Unable to \(enabled ? "enable" : "disable") service $n: $o"
                  fi; fi

                """
        }
        return s + "echo changed=$changed\n"
    }
}
