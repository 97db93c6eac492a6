import Foundation
import Jinja
import OpsCore

/// `cron`: one job (or environment line) in a user's crontab or an /etc/cron.d file, marked with
/// Ansible's `#Ansible: NAME` comment so crontabs Ansible wrote and opsctl writes stay one format.
enum CronModule: Module {
    static let spec = ModuleSpec(
        name: "cron",
        args: [
            .init("name", required: true), .init("user"), .init("job", .raw, aliases: ["value"]),
            .init("state", choices: ["absent", "present"], default: "present"), .init("cron_file", .path),
            .init("backup", .bool), .init("minute"), .init("hour"), .init("day", aliases: ["dom"]), .init("month"),
            .init("weekday", aliases: ["dow"]),
            .init("special_time", choices: ["annually", "daily", "hourly", "monthly", "reboot", "weekly", "yearly"]),
            .init("disabled", .bool), .init("env", .bool), .init("insertafter"), .init("insertbefore"),
        ],
        mutuallyExclusive: [["insertafter", "insertbefore"]],
        requiredIf: [.init("state", "present", ["job"])])

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let q = RemoteScript.q
        let name = try args.require("name")
        let state = args.string("state") ?? "present"
        let env = try args.bool("env", default: false)
        let user = args.string("user")
        let cronFileArg = args.string("cron_file")
        var cronFile = cronFileArg
        if let f = cronFile, !f.hasPrefix("/") { cronFile = "/etc/cron.d/" + f }
        if cronFile == "/etc/crontab" {
            throw ModuleError("cron: will not manage /etc/crontab via cron_file, see documentation")
        }
        if args.has("special_time"), ["minute", "hour", "day", "month", "weekday"].contains(where: {
            (args.string($0) ?? "*") != "*"
        }) {
            throw ModuleError("cron: you must specify time and date fields or special time")
        }
        if state == "present", !(try args.bool("env", default: false)),
            args.has("insertafter") || args.has("insertbefore")
        {
            throw ModuleError("cron: insertafter and insertbefore parameters are valid only with env=yes")
        }
        if cronFile != nil && user == nil && state == "present" {
            throw ModuleError("cron: to use cron_file=... parameter you must specify user=... as well")
        }
        if env && name.contains(" ") { throw ModuleError("cron: invalid name for environment variable \"\(name)\"") }
        let value = (args.string("job") ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\r\n"))
        var params: [String: String] = ["OPS_NAME": name, "OPS_STATE": state]
        if env {
            params["OPS_ENV"] = "1"
            params["OPS_JOB"] = "\(name)=\"\(value)\""
            if let a = args.string("insertafter") { params["OPS_AFTER"] = a }
            if let b = args.string("insertbefore") { params["OPS_BEFORE"] = b }
        } else {
            params["OPS_JOB"] = try jobLine(args, job: value, user: cronFile != nil ? user : nil)
        }
        if cronFile == nil { params["OPS_CRONTAB"] = "1" }
        let backup = try args.bool("backup", default: false)
        let exports = params.sorted { $0.key < $1.key }.map { "export \($0.key)=\(q($0.value))" }
            .joined(separator: "\n")
        let u = user.map { " -u " + q($0) } ?? ""
        var script = """
            check=\(context.checkMode ? 1 : 0); changed=0
            \(exports)
            cur=$(mktemp); new=$(mktemp); trap 'rm -f "$cur" "$new"' EXIT

            """
        if let cronFile {
            script += "d=\(q(cronFile)); [ ! -f \"$d\" ] || cat \"$d\" > \"$cur\"\n"
        } else {
            script += """
                command -v crontab >/dev/null ||
                  { echo "crontab not found on \(context.host): install the cron package" >&2; exit 1; }
                crontab -l\(u) > "$cur" 2>/dev/null || : > "$cur"

                """
        }
        script += """
            out=$(perl -e \(q(TextFileEditor.perlPrelude + program)) < "$cur" 3>&1 >"$new") || exit $?
            printf '%s\\n' "$out"
            case "$out" in changed=1*)
              \(context.diffMode ? diffLines : ":")
              if [ "$check" = 0 ]; then
                \(backup ? "b=$(mktemp /tmp/crontabXXXXXXXX) && cp \"$cur\" \"$b\" && echo \"backup_file=$b\"" : ":")

            """
        if cronFile != nil {
            script += """
                    if [ \(state == "absent" ? 1 : 0) = 1 ] && ! grep -q '[^[:space:]]' "$new"; then
                      rm -f "$d" || exit 1; echo removed=1
                    else t=$(mktemp "$(dirname "$d")/.opsctl.XXXXXX") && cat "$new" > "$t" && chmod 0644 "$t" &&
                      mv -f "$t" "$d" || exit 1; fi

                """
        } else {
            script += "        o=$(crontab\(u) \"$new\" 2>&1) || { echo \"crontab\(u) failed: $o\" >&2; exit 1; }\n"
        }
        script += "  fi;;\nesac\n"
        let r = try context.run(script)
        if r.exitStatus != 0 {
            let err = r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            return .failure(err.isEmpty ? "cron \(name) failed on \(context.host) (rc=\(r.exitStatus))" : err)
        }
        let text = r.stdoutText
        let kv = RemoteScript.keyValues(text)
        var result = ModuleResult(changed: kv["changed"] == "1")
        func names(_ key: String) -> Value {
            .list((kv[key] ?? "").split(separator: ",").map { hex in
                .string(String(decoding: stride(from: 0, to: hex.count, by: 2).compactMap { i -> UInt8? in
                    let start = hex.index(hex.startIndex, offsetBy: i)
                    return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)
                }, as: UTF8.self))
            })
        }
        result.values["jobs"] = names("jobs")
        result.values["envs"] = names("envs")
        if let b = kv["backup_file"] { result.values["backup_file"] = .string(b) }
        if let f = cronFileArg { result.values["cron_file"] = .string(f) }
        if kv["removed"] == "1" {
            // Ansible's answer when the emptied cron_file is deleted.
            result.values = ["cron_file": .string(cronFileArg ?? ""), "state": .string(state)]
        }
        if result.changed && context.diffMode {
            func decode(_ key: String) -> String {
                kv[key].flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            }
            let header = cronFile ?? user.map { "crontab for user \"\($0)\"" } ?? "crontab"
            result.diffs.append(
                FileDiff(path: header, before: decode("before_b64"), after: decode("after_b64"),
                    beforeHeader: header, afterHeader: kv["removed"] == "1" ? "/dev/null" : header))
        }
        return result
    }

    /// Before and after as base64 lines, for `--diff`.
    static let diffLines = #"echo "before_b64=$(base64 -w0 < "$cur")"; echo "after_b64=$(base64 -w0 < "$new")""#

    /// Ansible's get_cron_job: `[#]m h dom mon dow [user] job` or `[#]@special [user] job`.
    static func jobLine(_ args: ModuleArguments, job: String, user: String?) throws -> String {
        let prefix = try args.bool("disabled", default: false) ? "#" : ""
        let who = user.map { $0 + " " } ?? ""
        if let special = args.string("special_time") { return "\(prefix)@\(special) \(who)\(job)" }
        let fields = ["minute", "hour", "day", "month", "weekday"].map { args.string($0) ?? "*" }
        return prefix + fields.joined(separator: " ") + " " + who + job
    }

    /// The crontab as Ansible's CronTab class edits it: lines without their newline, the
    /// `#Ansible: NAME` comment followed by its job line.
    static let program = #"""
        my @c = map { strip($_) } @l;
        if ($E{OPS_CRONTAB}) { my $k = 0;
          @c = grep { $k++ > 2 || (!/^# DO NOT EDIT THIS FILE - edit the master and reinstall./
          && !/^# \(\/tmp\/.*installed on.*\)/ && !/^# \(.*version.*\)/) } @c }
        my $name = $E{OPS_NAME}; my $job = $E{OPS_JOB}; my $present = $E{OPS_STATE} eq 'present';
        my $changed = 0;
        sub envidx { my $n = shift; for my $k (0..$#c) { return $k if $c[$k] =~ /^\Q$n\E=/ } undef }
        if ($E{OPS_ENV}) {
          my $i = envidx($name);
          if ($present) {
            if (!defined $i) {
              my $at = 0;
              for my $w (['OPS_AFTER', 1], ['OPS_BEFORE', 0]) {
                next unless defined $E{$w->[0]};
                my $j = envidx($E{$w->[0]});
                if (!defined $j) { print STDERR "Variable named '$E{$w->[0]}' was not found\n"; exit 1 }
                $at = $j + $w->[1];
              }
              splice(@c, $at, 0, $job); $changed = 1;
            } elsif ($c[$i] ne $job) { $c[$i] = $job; $changed = 1 }
          } elsif (defined $i) { splice(@c, $i, 1); $changed = 1 }
        } else {
          my $mark = "#Ansible: $name"; my $i;
          for my $k (0..$#c) { if ($c[$k] eq $mark) { $i = $k; last } }
          if ($present) {
            if (!defined $i) {
              my $j; for my $k (0..$#c) { if ($c[$k] eq $job) { $j = $k; last } }
              if (defined $j) { splice(@c, $j, 0, $mark) } else { push @c, $mark, $job }
              $changed = 1;
            } elsif ($i == $#c) { push @c, $job; $changed = 1 }
            elsif ($c[$i + 1] ne $job) { $c[$i + 1] = $job; $changed = 1 }
          } elsif (defined $i) { splice(@c, $i, 2); $changed = 1 }
        }
        # An existing crontab without its final newline is rewritten, as Ansible does.
        $changed = 1 if !$changed && length $text && $text !~ /[\r\n]\z/;
        my @jobs = map { /^#Ansible: (.*)$/ ? ($1) : () } @c;
        my @envs = map { /^(\S+?)=/ && !/^#/ ? ($1) : () } @c;
        print $kv "changed=$changed\n";
        print $kv "jobs=" . join(',', map { unpack('H*', $_) } @jobs) . "\n";
        print $kv "envs=" . join(',', map { unpack('H*', $_) } @envs) . "\n";
        my $r = join("\n", @c); $r =~ s/[\r\n]+\z//; $r .= "\n" if length $r;
        print $r;

        """#
}
