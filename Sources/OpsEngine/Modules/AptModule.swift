import Foundation
import Jinja
import OpsCore

/// `apt`: Debian packages, in one round trip: the host asks dpkg-query what is installed, and
/// only what differs goes to apt-get (`-s`, apt's own simulation, in check mode).
enum AptModule: Module {
    static let spec = ModuleSpec(
        name: "apt",
        args: [
            .init("name", .list, aliases: ["package", "pkg"]),
            .init("state", choices: ["absent", "build-dep", "latest", "present", "fixed"]),
            .init("update_cache", .bool, aliases: ["update-cache"]), .init("cache_valid_time", .int),
            .init("deb", .path), .init("install_recommends", .bool, aliases: ["install-recommends"]),
            .init("purge", .bool), .init("autoremove", .bool), .init("autoclean", .bool), .init("force", .bool),
            .init("allow_unauthenticated", .bool, aliases: ["allow-unauthenticated"]),
            .init("allow_downgrade", .bool, aliases: ["allow-downgrade", "allow_downgrades", "allow-downgrades"]),
            .init("allow_change_held_packages", .bool), .init("default_release", aliases: ["default-release"]),
            .init("dpkg_options"), .init("only_upgrade", .bool), .init("force_apt_get", .bool),
            .init("upgrade", choices: ["dist", "full", "no", "safe", "yes"]), .init("lock_timeout", .int),
            .init("policy_rc_d", .int), .init("clean", .bool), .init("fail_on_autoremove", .bool),
            .init("update_cache_retries", .int), .init("update_cache_retry_max_delay", .int),
        ],
        requiredOneOf: [["name", "deb", "update_cache", "upgrade", "autoremove", "autoclean", "clean"]],
        mutuallyExclusive: [["deb", "name"], ["deb", "upgrade"]])

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let q = RemoteScript.q
        let state = args.string("state") ?? "present"
        let names = (args.stringList("name") ?? []).filter { !$0.isEmpty }
        let deb = args.string("deb")
        let updateCache = try args.bool("update_cache", default: false)
        let validTime = try args.int("cache_valid_time") ?? 0
        let upgrade = args.string("upgrade").flatMap { $0 == "no" ? nil : $0 }
        let autoremove = try args.bool("autoremove", default: false)
        let cleaning = try args.bool("autoclean", default: false) || args.bool("clean", default: false)
        guard !names.isEmpty || deb != nil || updateCache || upgrade != nil || autoremove || cleaning else {
            throw ModuleError(
                "apt: one of the following is required: name, package, deb, update_cache, upgrade, autoremove")
        }
        var options = "-y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold"
        options += " -o DPkg::Lock::Timeout=\(try args.int("lock_timeout") ?? 60)"
        if let dpkg = args.string("dpkg_options") {
            options = "-y" + dpkg.split(separator: ",").map { " -o Dpkg::Options::=--\($0)" }.joined()
        }
        if args.has("install_recommends") {
            let rec = try args.bool("install_recommends", default: true)
            options += rec ? " -o APT::Install-Recommends=yes" : " --no-install-recommends"
        }
        if let release = args.string("default_release") {
            // opts is split by the shell, so a release name must be one plain word.
            guard release.allSatisfy({ $0.isLetter || $0.isNumber || "-_.+~/".contains($0) }) else {
                throw ModuleError("apt: default_release \"\(release)\" is not a release name")
            }
            options += " -t \(release)"
        }
        if try args.bool("allow_unauthenticated", default: false) { options += " --allow-unauthenticated" }
        if try args.bool("allow_downgrade", default: false) { options += " --allow-downgrades" }
        if try args.bool("allow_change_held_packages", default: false) { options += " --allow-change-held-packages" }
        if try args.bool("force", default: false) { options += " --force-yes" }
        if try args.bool("only_upgrade", default: false) { options += " --only-upgrade" }
        if try args.bool("fail_on_autoremove", default: false) { options += " --no-remove" }
        let retries = max(try args.int("update_cache_retries") ?? 5, 1)
        let purge = try args.bool("purge", default: false)

        var script = """
            export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true LC_ALL=C
            check=\(context.checkMode ? 1 : 0); changed=0; cache_updated=0; out=$(mktemp); err=$(mktemp)
            trap 'rm -f "$out" "$err"' EXIT
            opts=\(q(options))
            stamp=/var/lib/apt/periodic/update-success-stamp
            cache_time() {
              if [ -e "$stamp" ]; then stat -c %Y "$stamp"
              elif [ -e /var/lib/apt/lists ]; then stat -c %Y /var/lib/apt/lists; else echo 0; fi
            }
            # Runs apt-get for real, or as a simulation in check mode; the output is what the task returns.
            aptget() {
              if [ "$check" = 1 ]; then apt-get -s $opts "$@"; else apt-get $opts "$@"; fi >>"$out" 2>>"$err" ||
                { echo "cmd=apt-get $opts $*"; fail=1; }
            }
            installed() { [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | cut -c1-2)" = ii ]; }
            fail=0

            """
        if let rc = try args.int("policy_rc_d") {
            // Ansible's policy_rc_d: a policy-rc.d for the run, so packages do not start (101) their services.
            script += """
                if [ "$check" = 0 ]; then
                  [ ! -e /usr/sbin/policy-rc.d ] || mv /usr/sbin/policy-rc.d /usr/sbin/policy-rc.d.opsctl-saved
                  printf '#!/bin/sh\\nexit %d\\n' \(rc) > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d
                  saved=/usr/sbin/policy-rc.d.opsctl-saved
                  trap 'rm -f "$out" "$err" /usr/sbin/policy-rc.d
                    [ ! -e $saved ] || mv $saved /usr/sbin/policy-rc.d' EXIT
                fi

                """
        }
        if deb != nil && state != "present" { throw ModuleError("apt: deb only supports state=present") }
        // Ansible reads the cache time on every run and updates when asked (or cache_valid_time
        // is set) and the cache is older than cache_valid_time (always, with 0).
        script += "echo cache_update_time=$(cache_time)\n"
        if updateCache || validTime > 0 {
            script += """
                if [ $(( $(date +%s) - $(cache_time) )) -gt \(validTime) ] || [ \(validTime) = 0 ]; then
                  cache_updated=1
                  if [ "$check" = 0 ]; then i=0; until apt-get update -q >>"$out" 2>>"$err"; do i=$((i + 1))
                    [ $i -lt \(retries) ] ||
                      { echo "Failed to update apt cache after \(retries) retries: $(tail -n 3 "$err")" >&2; exit 1; }
                    sleep $i; done; fi
                fi
                echo cache_update_time=$(cache_time)

                """
        }
        if let deb {
            script += """
                deb=\(q(deb)); case "$deb" in /*) ;; *) deb="./$deb";; esac
                [ -f "$deb" ] || { echo "Unable to install package: $deb does not exist" >&2; exit 1; }
                pkg=$(dpkg-deb -f "$deb" Package) && ver=$(dpkg-deb -f "$deb" Version) ||
                  { echo "Unable to install package: $deb is not a Debian package" >&2; exit 1; }
                if ! installed "$pkg" || [ "$(dpkg-query -W -f='${Version}' "$pkg")" != "$ver" ]; then
                  changed=1; aptget install "$deb"; fi

                """
        }
        if !names.isEmpty {
            script += "set -- \(names.map(q).joined(separator: " "))\n"
            switch state {
            case "present", "fixed":
                // name=VERSION (a glob, as Ansible's fnmatch) counts as installed only at a matching version.
                script += """
                    todo=""
                    for p in "$@"; do
                      n=${p%%=*}
                      if installed "$n"; then
                        case "$p" in
                          *=*) v=$(dpkg-query -W -f='${Version}' "$n"); case "$v" in ${p#*=}) continue;; esac;;
                          *) continue;;
                        esac
                      fi
                      todo="$todo $p"
                    done
                    if [ -n "$todo" ]; then
                      changed=1; aptget install $todo\(state == "fixed" ? " --fix-broken" : ""); fi

                    """
            case "latest":
                script += """
                    if apt-get -s install "$@" 2>>"$err" | grep -q '^Inst '; then changed=1; aptget install "$@"; else
                      installed_all=1; for p in "$@"; do installed "$p" || installed_all=0; done
                      [ $installed_all = 1 ] || { changed=1; aptget install "$@"; }; fi

                    """
            case "absent":
                script += """
                    todo=""
                    for p in "$@"; do n=${p%%=*}
                      st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$n" 2>/dev/null | cut -c1-2)
                      case "$st" in ii|iU|iF|iH|hi) todo="$todo $n";; rc) \(purge ? "todo=\"$todo $n\"" : ":");; esac
                    done
                    if [ -n "$todo" ]; then changed=1; aptget remove\(purge ? " --purge" : "") $todo; fi

                    """
            case "build-dep":
                script += """
                    if apt-get -s build-dep "$@" 2>>"$err" | grep -q '^Inst '; then changed=1; aptget build-dep "$@"; fi

                    """
            default:
                throw ModuleError("apt: unknown state \(state)")
            }
        }
        if let upgrade {
            let verb = upgrade == "dist" || upgrade == "full" ? "dist-upgrade" : "upgrade"
            script += """
                if apt-get -s \(verb) 2>>"$err" | grep -q '^Inst '; then changed=1; aptget \(verb); fi

                """
        }
        if autoremove {
            script += """
                if apt-get -s autoremove\(purge ? " --purge" : "") 2>>"$err" | grep -q '^Remv '; then
                  changed=1; aptget autoremove\(purge ? " --purge" : ""); fi

                """
        }
        for verb in ["autoclean", "clean"] where try args.bool(verb, default: false) {
            script += "[ \"$check\" = 1 ] || apt-get -q \(verb) >>\"$out\" 2>>\"$err\"\n"
        }
        script += """
            echo changed=$changed; echo cache_updated=$cache_updated; echo fail=$fail
            echo "stdout_b64=$(base64 -w0 < "$out")"; echo "stderr_b64=$(base64 -w0 < "$err")"

            """
        let r = try context.run(script)
        if r.exitStatus != 0 {
            let err = r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            return .failure(err.isEmpty ? "apt failed on \(context.host) (rc=\(r.exitStatus))" : err)
        }
        let kv = RemoteScript.keyValues(r.stdoutText)
        func decode(_ key: String) -> String {
            kv[key].flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        let stdout = decode("stdout_b64"), stderr = decode("stderr_b64")
        // Updating the cache counts as a change only when it is all the task does, as in Ansible.
        let onlyCache = names.isEmpty && deb == nil && upgrade == nil
        var result = ModuleResult(changed: kv["changed"] == "1" || (onlyCache && kv["cache_updated"] == "1"))
        // Ansible's removals and failures leave the cache fields out.
        if state != "absent" || names.isEmpty, kv["fail"] != "1" {
            result.values["cache_updated"] = .bool(kv["cache_updated"] == "1")
            result.values["cache_update_time"] = .int(kv["cache_update_time"].flatMap { Int($0) } ?? 0)
        }
        if kv["changed"] == "1" || kv["fail"] == "1" {
            result.values["stdout"] = .string(stdout)
            result.values["stderr"] = .string(stderr)
            result.values["stdout_lines"] = .list(CommandRunner.lines(stdout))
            result.values["stderr_lines"] = .list(CommandRunner.lines(stderr))
        }
        if kv["fail"] == "1" {
            result.failed = true
            result.changed = false
            let missing = stderr.split(separator: "\n").compactMap { line -> String? in
                guard let r = line.range(of: "Unable to locate package ") else { return nil }
                return String(line[r.upperBound...])
            }
            if let first = missing.first {
                result.msg = "No package matching '\(first)' is available"
            } else {
                let err = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
                result.msg = "'\(kv["cmd"] ?? "apt-get")' failed: \(err)"
            }
            result.values["rc"] = .int(100)
        }
        return result
    }
}
