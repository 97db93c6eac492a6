import Foundation
import Jinja
import OpsCore

/// Edits a text file on a host in one round trip, for lineinfile and blockinfile: a Perl filter
/// (Perl because its regular expressions are Python's in all that playbooks use, and perl-base is
/// on every Debian/Ubuntu host) turns the current content into the wanted one; the shell around it
/// writes through a temporary file renamed into place only when the content differs, after
/// `validate` and `backup`, then brings mode/owner/group in line.
///
/// The filter reads the file on stdin, writes the new content on stdout and `key=value` lines on
/// file descriptor 3, the first being `changed=0|1`. Its parameters arrive as `OPS_*` variables.
enum TextFileEditor {
    struct Request {
        var path: String
        var program: String
        var parameters: [String: String]
        var create: Bool
        /// What an absent file means without `create`: a failure (message) or an ok result (message).
        var missingFails: Bool
        var missingMessage: String
        var backup: Bool
        var validate: String?
        var mode: FileMode?
        var owner: String?
        var group: String?
    }

    struct Outcome {
        var result: ModuleResult
        var keyValues: [String: String]
        /// The content changed (or would change), as opposed to only its attributes.
        var contentChanged: Bool
        var attributesChanged: Bool
    }

    /// Exit code the script uses for Ansible's rc=257 ("does not exist") failures.
    private static let missingExit: Int32 = 57
    /// And for rc=256 ("is a directory").
    private static let directoryExit: Int32 = 56

    static func edit(_ req: Request, module: String, _ context: ModuleContext) throws -> Outcome {
        let q = RemoteScript.q
        if let validate = req.validate, !validate.contains("%s") {
            throw ModuleError("\(module): validate must contain %s: \(validate)")
        }
        // Parameters travel on stdin (NUL-separated pairs), not in the command line: a block or
        // line of any size fits, where one argument is capped at 128 KiB.
        var stdin = Data()
        for (k, v) in req.parameters.sorted(by: { $0.key < $1.key }) {
            stdin.append(Data(k.utf8) + Data([0]) + Data(v.utf8) + Data([0]))
        }
        var script = """
            check=\(context.checkMode ? 1 : 0); changed=0; d=\(q(req.path))
            pf=$(mktemp) || exit 1; trap 'rm -f "$pf"' EXIT; cat > "$pf"; export OPS_PARAMS="$pf"
            if [ -d "$d" ]; then echo "Path $d is a directory !" >&2; exit \(directoryExit); fi
            # Ansible writes through a symlink to its target (os.path.realpath), never replacing the link.
            if [ -L "$d" ]; then d=$(readlink -f "$d"); fi
            if [ -e "$d" ]; then src="$d"; exists=1; else src=/dev/null; exists=0; fi

            """
        if !req.create {
            script += req.missingFails
                ? "if [ $exists = 0 ]; then echo \(q(req.missingMessage)) >&2; exit \(missingExit); fi\n"
                : "if [ $exists = 0 ]; then echo changed=0; echo msg=\(q(req.missingMessage)); exit 0; fi\n"
        }
        script += """
            export OPS_EXISTS=$exists
            dir=$(dirname "$d")
            if [ "$check" = 0 ] && [ ! -d "$dir" ]; then mkdir -p "$dir" || exit 1; fi
            if [ "$check" = 0 ]; then t=$(mktemp "$dir/.opsctl.XXXXXX") || exit 1; else t=$(mktemp) || exit 1; fi
            out=$(perl -e \(q(req.program)) < "$src" 3>&1 >"$t"); prc=$?
            if [ $prc != 0 ]; then rm -f "$t"; exit $prc; fi
            printf '%s\\n' "$out"
            case "$out" in changed=1*)
              changed=1
              \(context.diffMode ? diffLines : ":")
              if [ "$check" = 1 ]; then rm -f "$t"; else
                if [ -e "$d" ]; then chmod --reference="$d" "$t"; chown --reference="$d" "$t" 2>/dev/null
                else chmod $(printf '%o' $((0666 & ~$(umask)))) "$t"; fi

            """
        if let validate = req.validate {
            let cmd = validate.replacingOccurrences(of: "%s", with: "\"$t\"")
            script += """
                    vout=$(\(cmd) 2>&1); vrc=$?
                    if [ $vrc != 0 ]; then rm -f "$t"; echo "failed to validate: rc:$vrc error:$vout" >&2; exit 3; fi

                """
        }
        if req.backup {
            script += """
                    if [ -f "$d" ]; then b="$d.$$.$(date +%Y-%m-%d@%H:%M:%S~)"
                      cp -p "$d" "$b" && echo "backup_file=$b"; fi

                """
        }
        script += """
                mv -f "$t" "$d" || { rm -f "$t"; exit 1; }
              fi;;
            *) rm -f "$t";;
            esac
            echo content_changed=$changed; changed=0

            """
        script += RemoteScript.attributes(mode: req.mode, owner: req.owner, group: req.group)
        script += "echo attrs_changed=$changed\n"
        let r = try context.run(script, stdin: stdin)
        if r.exitStatus != 0 {
            let err = r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            var values = ValueDict()
            values["rc"] = .int(
                r.exitStatus == missingExit ? 257 : r.exitStatus == directoryExit ? 256 : Int(r.exitStatus))
            let msg = err.isEmpty ? "\(module) \(req.path) failed on \(context.host) (rc=\(r.exitStatus))" : err
            return Outcome(
                result: .failure(msg, values), keyValues: [:], contentChanged: false, attributesChanged: false)
        }
        let kv = RemoteScript.keyValues(r.stdoutText)
        let contentChanged = kv["content_changed"] == "1"
        let attributesChanged = kv["attrs_changed"] == "1"
        var result = ModuleResult(changed: contentChanged || attributesChanged)
        if contentChanged, context.diffMode {
            func decode(_ key: String) -> String {
                kv[key].flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            }
            result.diffs.append(
                FileDiff(
                    path: req.path, before: decode("before_b64"), after: decode("after_b64"),
                    beforeHeader: "\(req.path) (content)", afterHeader: "\(req.path) (content)"))
        }
        return Outcome(
            result: result, keyValues: kv, contentChanged: contentChanged, attributesChanged: attributesChanged)
    }

    /// Before and after as base64 lines, for `--diff`.
    static let diffLines = #"[ -f "$d" ] && echo "before_b64=$(base64 -w0 < "$d")"; "#
        + #"echo "after_b64=$(base64 -w0 < "$t")""#

    /// Ansible's `check_file_attrs` wording: "line added and ownership, perms or SE linux context changed".
    static func message(_ msg: String, attributesChanged: Bool) -> String {
        guard attributesChanged else { return msg }
        return (msg.isEmpty ? "" : msg + " and ") + "ownership, perms or SE linux context changed"
    }

    /// Perl shared by the filters: strict mode, the fd-3 channel, the input split into lines that keep
    /// their newline, and regular expressions compiled with a readable error.
    static let perlPrelude = #"""
        use strict; use warnings; no warnings 'uninitialized';
        open(my $kv, '>&=', 3) or die "fd 3: $!\n";
        my $text = do { local $/; <STDIN> }; $text = '' unless defined $text;
        my @l = split /(?<=\n)/, $text;
        my %E = %ENV;
        if (defined $ENV{OPS_PARAMS}) { open(my $pf, '<', $ENV{OPS_PARAMS}) or die "$ENV{OPS_PARAMS}: $!\n";
          my @p = split /\0/, do { local $/; <$pf> } // '', -1; pop @p if @p % 2; %E = (%E, @p) }
        sub rx { my ($name, $what) = @_; my $p = $E{$name}; my $r = eval { qr/$p/ };
          if (!defined $r) { my $e = $@; $e =~ s/ at -e line.*//s; $e =~ s/\s+\z//;
            print STDERR "$what \"$p\" is not a valid regular expression: $e\n"; exit 2 } $r }
        sub strip { my $s = shift; $s =~ s/[\r\n]+\z//; $s }

        """#
}
