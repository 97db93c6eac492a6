import Foundation
import Jinja
import OpsCore

/// `group`: a local group, with groupadd/groupmod/groupdel, in one round trip.
enum GroupModule: Module {
    static let spec = ModuleSpec(
        name: "group",
        args: [
            .init("name", required: true), .init("gid", .int), .init("state", choices: ["absent", "present"]),
            .init("system", .bool), .init("local", .bool), .init("non_unique", .bool), .init("force", .bool),
            .init("gid_min", .int), .init("gid_max", .int),
        ])

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let q = RemoteScript.q
        let name = try args.require("name")
        let state = args.string("state") ?? "present"
        let gid = try args.int("gid")
        let system = try args.bool("system", default: false)
        var script = """
            check=\(context.checkMode ? 1 : 0); changed=0; n=\(q(name))
            fail() { echo "$1" >&2; exit 1; }
            line=$(getent group "$n")

            """
        if state == "absent" {
            script += """
                if [ -n "$line" ]; then changed=1
                  [ "$check" = 1 ] || o=$(groupdel\(try args.bool("force", default: false) ? " -f" : "") "$n" 2>&1) ||
                      fail "$o"; fi
                echo changed=$changed

                """
        } else {
            var add = "groupadd"
            if let gid { add += " -g \(gid)" }
            if system { add += " -r" }
            if try args.bool("non_unique", default: false) { add += " -o" }
            if let min = try args.int("gid_min") { add += " -K GID_MIN=\(min)" }
            if let max = try args.int("gid_max") { add += " -K GID_MAX=\(max)" }
            script += """
                if [ -z "$line" ]; then changed=1
                  [ "$check" = 1 ] || o=$(\(add) "$n" 2>&1) || fail "$o"

                """
            if let gid {
                script += """
                    elif [ "$(echo "$line" | cut -d: -f3)" != \(gid) ]; then changed=1
                      [ "$check" = 1 ] ||
                        o=$(groupmod -g \(gid)\(try args.bool("non_unique", default: false) ? " -o" : "") "$n" 2>&1) ||
                          fail "$o"

                    """
            }
            script += """
                fi
                echo changed=$changed; getent group "$n" | cut -d: -f3 | sed 's/^/gid=/'

                """
        }
        let r = try context.run(script)
        if r.exitStatus != 0 {
            var failure = ModuleResult.failure(r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))
            failure.values["name"] = .string(name)
            return failure
        }
        let kv = RemoteScript.keyValues(r.stdoutText)
        var result = ModuleResult(changed: kv["changed"] == "1")
        result.values["name"] = .string(name)
        result.values["state"] = .string(state)
        if state == "present" {
            result.values["system"] = .bool(system)
            if let g = kv["gid"].flatMap({ Int($0) }) ?? gid { result.values["gid"] = .int(g) }
        }
        return result
    }
}
