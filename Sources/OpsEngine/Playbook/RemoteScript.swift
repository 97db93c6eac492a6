import Foundation
import Jinja
import OpsCore
import OpsTransport

/// Shell fragments the file modules share. Each module sends one script per task: it checks,
/// changes only what differs (unless in check mode), and reports `key=value` lines, so a task
/// costs one round trip whether or not anything changes.
public enum RemoteScript {
    public static func q(_ s: String) -> String { ShellWords.quote(s) }

    /// Brings mode/owner/group of "$d" to what is asked; sets changed=1 when something differs.
    /// Needs `$check` (1 in check mode) and `$changed` set by the caller's script. One `stat` reads
    /// all three, and what `describe` prints after: each process a script starts costs a few
    /// milliseconds on a busy host. The reading is kept in `$st` (for path `$st_of`) until
    /// something changes the file.
    static func attributes(mode: FileMode?, owner: String?, group: String?, recurse: Bool = false) -> String {
        if (mode == nil || mode == .preserve) && owner == nil && group == nil { return "" }
        let r = recurse ? "-R " : ""
        var s = """
            if [ -e "$d" ]; then st=$(stat -c '%a %U %u %G %g %s %F' "$d"); st_of=$d; set -- $st
            else st=; set -- none none none none none; fi

            """
        switch mode {
        case .numeric(let m)?:
            // stat prints no leading zeros ("644", "4755"); compare on the same footing.
            s += """
                if [ "$1" != \(String(m, radix: 8)) ]; then changed=1; [ "$check" = 1 ] || { st=; chmod \(r)\(String(format: "%04o", m)) "$d"; } || exit 1; fi

                """
        case .symbolic(let sym)?:
            s += """
                if [ -e "$d" ]; then
                if [ "$check" = 1 ]; then t=$(mktemp) && chmod "$1" "$t" && chmod \(q(sym)) "$t" && new=$(stat -c %a "$t"); rm -f "$t"
                else st=; chmod \(r)\(q(sym)) "$d" || exit 1; new=$(stat -c %a "$d"); fi
                [ "$1" = "$new" ] || changed=1; fi

                """
        default: break
        }
        if let owner {
            s += """
                if [ "$2" != \(q(owner)) ] && [ "$3" != \(q(owner)) ]; then changed=1; [ "$check" = 1 ] || { st=; chown \(r)\(q(owner)) "$d"; } || exit 1; fi

                """
        }
        if let group {
            s += """
                if [ "$4" != \(q(group)) ] && [ "$5" != \(q(group)) ]; then changed=1; [ "$check" = 1 ] || { st=; chgrp \(r)\(q(group)) "$d"; } || exit 1; fi

                """
        }
        return s
    }

    /// Prints the file's attributes as `key=value` lines (Ansible's return values for files),
    /// from `attributes`' reading when the file is untouched since, else from a fresh `stat`.
    static let describe = """
        if [ -n "${st:-}" ] && [ "${st_of:-}" = "$d" ]; then set -- $st; echo "mode=$1
        uid=$3
        gid=$5
        owner=$2
        group=$4
        size=$6"; shift 6; echo "ftype=$*"
        elif [ -e "$d" ] || [ -L "$d" ]; then stat -c 'mode=%a
        uid=%u
        gid=%g
        owner=%U
        group=%G
        size=%s
        ftype=%F' "$d"; fi
        echo "changed=$changed"

        """

    /// Parses `key=value` lines (a value may contain `=`; later keys win).
    public static func keyValues(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            out[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return out
    }

    /// Adds Ansible's file return values (mode as "0644", uid, gid, owner, group, size, state).
    static func fileValues(_ kv: [String: String], into values: inout ValueDict) {
        if let m = kv["mode"], let i = Int(m, radix: 8) { values["mode"] = .string(String(format: "%04o", i)) }
        if let u = kv["uid"].flatMap({ Int($0) }) { values["uid"] = .int(u) }
        if let g = kv["gid"].flatMap({ Int($0) }) { values["gid"] = .int(g) }
        if let o = kv["owner"] { values["owner"] = .string(o) }
        if let g = kv["group"] { values["group"] = .string(g) }
        if let s = kv["size"].flatMap({ Int($0) }) { values["size"] = .int(s) }
        if let t = kv["ftype"] {
            let state: String
            switch t {
            case "directory": state = "directory"
            case "symbolic link": state = "link"
            case "regular file", "regular empty file": state = "file"
            default: state = "file"
            }
            values["state"] = .string(state)
        }
    }

    /// Fails with host, what and stderr when a script reports an error.
    static func check(_ r: CommandResult, _ context: ModuleContext, _ what: String) throws {
        guard r.exitStatus == 0 else {
            let err = r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            throw ModuleError("\(what) on \(context.host): \(err.isEmpty ? "rc=\(r.exitStatus)" : err)")
        }
    }
}
