import Foundation
import Jinja
import OpsCore

/// `user`: a local account with useradd/usermod/userdel, in one round trip: the host compares
/// each asked attribute with getent's and passes usermod only the ones that differ.
enum UserModule: Module {
    static let spec = ModuleSpec(
        name: "user",
        args: [
            .init("name", required: true, aliases: ["user"]), .init("state", choices: ["absent", "present"]),
            .init("uid", .int), .init("group"), .init("groups", .list), .init("append", .bool), .init("shell"),
            .init("home", .path), .init("create_home", .bool, aliases: ["createhome"]), .init("move_home", .bool),
            .init("system", .bool), .init("password", .raw),
            .init("update_password", choices: ["always", "on_create"]), .init("comment"), .init("remove", .bool),
            .init("force", .bool), .init("non_unique", .bool), .init("skeleton", .path),
            .init("password_lock", .bool), .init("generate_ssh_key", .bool), .init("ssh_key_bits", .int),
            .init("ssh_key_file", .path), .init("ssh_key_type"), .init("ssh_key_comment"), .init("ssh_key_passphrase"),
        ])

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let q = RemoteScript.q
        let name = try args.require("name")
        let state = args.string("state") ?? "present"
        var script = """
            export LC_ALL=C; check=\(context.checkMode ? 1 : 0); changed=0; n=\(q(name))
            fail() { echo "$1" >&2; exit 1; }
            errf=$(mktemp) || exit 1; trap 'echo "stderr_b64=$(base64 -w0 < "$errf")"; rm -f "$errf"' EXIT
            line=$(getent passwd "$n")

            """
        let force = try args.bool("force", default: false), remove = try args.bool("remove", default: false)
        if state == "absent" {
            script += """
                if [ -n "$line" ]; then changed=1
                  [ "$check" = 1 ] || userdel\(force ? " -f" : "")\(remove ? " -r" : "") "$n" 2>>"$errf" ||
                      fail "$(cat "$errf")"; fi
                echo changed=$changed

                """
        } else {
            script += try presentScript(args, context)
        }
        let r = try context.run(script)
        if r.exitStatus != 0 {
            var failure = ModuleResult.failure(r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))
            failure.values["name"] = .string(name)
            failure.values["rc"] = .int(Int(r.exitStatus))
            return failure
        }
        let kv = RemoteScript.keyValues(r.stdoutText)
        var result = ModuleResult(changed: kv["changed"] == "1")
        result.values["name"] = .string(name)
        result.values["state"] = .string(state)
        // What useradd/usermod/userdel printed (a missing mail spool, …), as Ansible returns it.
        let stderr = kv["stderr_b64"].flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
        if let stderr, !stderr.isEmpty {
            result.values["stderr"] = .string(stderr)
            result.values["stderr_lines"] = .list(CommandRunner.lines(stderr.trimmingCharacters(in: .newlines)))
        }
        if state == "absent" {
            if result.changed {
                result.values["force"] = .bool(force)
                result.values["remove"] = .bool(remove)
            }
            return result
        }
        if kv["created"] == "1" {
            result.values["system"] = .bool(try args.bool("system", default: false))
            result.values["create_home"] = .bool(try args.bool("create_home", default: true))
        } else {
            result.values["append"] = .bool(try args.bool("append", default: false))
            result.values["move_home"] = .bool(try args.bool("move_home", default: false))
        }
        if args.has("password") { result.values["password"] = "NOT_LOGGING_PASSWORD" }
        if let after = kv["after"] {
            let f = after.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            if f.count >= 7 {
                result.values["uid"] = Int(f[2]).map(Value.int) ?? .string(f[2])
                result.values["group"] = Int(f[3]).map(Value.int) ?? .string(f[3])
                result.values["comment"] = .string(f[4])
                result.values["home"] = .string(f[5])
                result.values["shell"] = .string(f[6])
            }
        }
        if let groups = args.stringList("groups") { result.values["groups"] = .string(groups.joined(separator: ",")) }
        for key in ["ssh_key_file", "ssh_public_key", "ssh_fingerprint"] {
            if let v = kv[key] { result.values[key] = .string(v) }
        }
        return result
    }

    /// `generate_ssh_key`: a key pair made once, as the account's own files (Ansible never replaces one).
    private static func sshKeyScript(_ args: ModuleArguments) throws -> String {
        guard try args.bool("generate_ssh_key", default: false) else { return "" }
        let q = RemoteScript.q
        let type = args.string("ssh_key_type") ?? "rsa"
        let bits = try args.int("ssh_key_bits").map { " -b \($0)" } ?? (type == "rsa" ? " -b 2048" : "")
        let file = args.string("ssh_key_file") ?? ".ssh/id_\(type)"
        let comment = args.string("ssh_key_comment").map(q) ?? "\"ansible-generated on $(hostname)\""
        let passphrase = args.string("ssh_key_passphrase") ?? ""
        return """
            h=$(getent passwd "$n" | cut -d: -f6)
            if [ -n "$h" ]; then
              kf=\(q(file)); case "$kf" in /*) ;; *) kf="$h/$kf";; esac
              if [ ! -f "$kf" ]; then changed=1
                if [ "$check" = 0 ]; then kd=$(dirname "$kf")
                  [ -d "$kd" ] || { mkdir -p "$kd" && chmod 0700 "$kd" && chown "$n:$(id -g "$n")" "$kd"; } || exit 1
                  o=$(ssh-keygen -q -t \(q(type))\(bits) -C \(comment) \
                    -N \(q(passphrase)) -f "$kf" 2>&1 </dev/null) || fail "Failed to generate the SSH key: $o"
                  chown "$n:$(id -g "$n")" "$kf" "$kf.pub"
                fi
              fi
              echo "ssh_key_file=$kf"
              if [ -f "$kf.pub" ]; then echo "ssh_public_key=$(cat "$kf.pub")"
                echo "ssh_fingerprint=$(ssh-keygen -l -f "$kf.pub")"; fi
            fi

            """
    }

    private static func presentScript(_ args: ModuleArguments, _ context: ModuleContext) throws -> String {
        let q = RemoteScript.q
        let createHome = try args.bool("create_home", default: true)
        let groups = args.stringList("groups").map { Array(Set($0.filter { !$0.isEmpty })).sorted() }
        var s = """
            gidof() { case "$1" in *[!0-9]*) getent group "$1" | cut -d: -f3;; *) echo "$1";; esac; }

            """
        if let group = args.string("group") {
            s += "g=\(q(group)); wgid=$(gidof \"$g\"); [ -n \"$wgid\" ] || fail \"Group $g does not exist\"\n"
        }
        for g in groups ?? [] {
            s += "getent group \(q(g)) >/dev/null || fail \(q("Group \(g) does not exist"))\n"
        }
        // The options both useradd and usermod take, added only where the account differs.
        var add = "set --\n"
        if let uid = try args.int("uid") { add += "set -- \"$@\" -u \(uid)\n" }
        if try args.bool("non_unique", default: false) { add += "set -- \"$@\" -o\n" }
        if args.has("group") { add += "set -- \"$@\" -g \"$g\"\n" } else {
            add += "getent group \"$n\" >/dev/null && set -- \"$@\" -g \"$n\"\n"
        }
        if let groups, !groups.isEmpty { add += "set -- \"$@\" -G \(q(groups.joined(separator: ",")))\n" }
        if let home = args.string("home") { add += "set -- \"$@\" -d \(q(home))\n" }
        if let shell = args.string("shell") { add += "set -- \"$@\" -s \(q(shell))\n" }
        if let comment = args.string("comment") { add += "set -- \"$@\" -c \(q(comment))\n" }
        if let password = args.string("password") { add += "set -- \"$@\" -p \(q(password))\n" }
        if try args.bool("system", default: false) { add += "set -- \"$@\" -r\n" }
        if let skel = args.string("skeleton") { add += "set -- \"$@\" -k \(q(skel))\n" }
        add += createHome ? "set -- \"$@\" -m\n" : "set -- \"$@\" -M\n"

        var mod = "set --\nIFS=: read -r _ _ cuid cgid cgecos chome cshell <<EOF\n$line\nEOF\n"
        if let uid = try args.int("uid") {
            let o = try args.bool("non_unique", default: false) ? " -o" : ""
            mod += "[ \"$cuid\" = \(uid) ] || set -- \"$@\" -u \(uid)\(o)\n"
        }
        if args.has("group") { mod += "[ \"$cgid\" = \"$wgid\" ] || set -- \"$@\" -g \"$g\"\n" }
        if let comment = args.string("comment") {
            mod += "[ \"$cgecos\" = \(q(comment)) ] || set -- \"$@\" -c \(q(comment))\n"
        }
        if let home = args.string("home") {
            let m = try args.bool("move_home", default: false) ? " -m" : ""
            mod += "[ \"$chome\" = \(q(home)) ] || set -- \"$@\" -d \(q(home))\(m)\n"
        }
        if let shell = args.string("shell") { mod += "[ \"$cshell\" = \(q(shell)) ] || set -- \"$@\" -s \(q(shell))\n" }
        if let password = args.string("password"), args.string("update_password") ?? "always" == "always" {
            mod += "[ \"$(getent shadow \"$n\" | cut -d: -f2)\" = \(q(password)) ] || set -- \"$@\" -p \(q(password))\n"
        }
        if try args.bool("password_lock", default: false) {
            mod += "case \"$(getent shadow \"$n\" | cut -d: -f2)\" in '!'*) ;; *) set -- \"$@\" -L;; esac\n"
        }
        if let groups {
            // Supplementary groups only: the primary group is not a membership to add or remove.
            let append = try args.bool("append", default: false)
            mod += """
                prim=$(getent group "${wgid:-$cgid}" | cut -d: -f1)
                want=""
                for x in \(groups.map(q).joined(separator: " ")); do [ "$x" = "$prim" ] || want="$want$x,"; done
                cur=$(getent group |
                  awk -F: -v u="$n" '{k=split($4,m,","); for(i=1;i<=k;i++) if(m[i]==u) {print $1; break}}' |
                  grep -vxF "$prim" | sort -u | tr '\\n' ',')
                need=0
                if [ \(append ? 1 : 0) = 1 ]; then
                  for x in $(echo "$want" | tr ',' ' '); do case ",$cur" in *",$x,"*) ;; *) need=1;; esac; done
                elif [ "$cur" != "$want" ]; then need=1; fi
                [ $need = 0 ] || set -- "$@" \(append ? "-a " : "")-G "${want%,}"

                """
        }
        s += """
            if [ -z "$line" ]; then changed=1; echo created=1
            \(add)  [ "$check" = 1 ] || useradd "$@" "$n" 2>>"$errf" || fail "$(cat "$errf")"
            else
            \(mod)  if [ $# -gt 0 ]; then changed=1
              [ "$check" = 1 ] || usermod "$@" "$n" 2>>"$errf" || fail "$(cat "$errf")"; fi

            """
        if createHome {
            // Ansible also recreates a missing home directory of an existing account.
            s += """
                  h=$(getent passwd "$n" | cut -d: -f6)
                  if [ -n "$h" ] && [ ! -d "$h" ]; then changed=1
                    if [ "$check" = 0 ]; then mkdir -p "$h" && { [ ! -d /etc/skel ] || cp -a /etc/skel/. "$h"; } &&
                        chown -R "$n:$(id -g "$n")" "$h" || fail "could not create home $h"; fi; fi

                """
        }
        s += """
            fi
            \(try sshKeyScript(args))echo changed=$changed; echo "after=$(getent passwd "$n")"

            """
        return s
    }
}
