import Crypto
import Foundation
import Jinja
import OpsCore

/// Puts content at a path on a host, idempotently, in one round trip: compares SHA-1 with what
/// is there, writes through a temporary file in the same directory renamed into place (a reader
/// never sees half a file), keeps an existing file's mode and owner unless told otherwise, and
/// reports Ansible's copy/template return values. Used by `copy` and `template`.
enum FileWriter {
    struct Request {
        var content: Data
        var dest: String
        /// For `copy src=file dest=dir/`: the name to use inside a directory destination.
        var nameInDirectory: String?
        var mode: FileMode?
        var owner: String?
        var group: String?
        var backup: Bool
        var force: Bool
        /// A command that must accept the candidate file (`%s`), e.g. `nginx -t -c %s`, `visudo -cf %s`.
        var validate: String?
    }

    static func write(_ req: Request, module: String, _ context: ModuleContext) throws -> ModuleResult {
        let q = RemoteScript.q
        let sha1 = Insecure.SHA1.hash(data: req.content).map { String(format: "%02x", $0) }.joined()
        let wantDiff = context.diffMode && req.content.count <= 256 * 1024
        // Small input goes out with the command in one window: the script need not read what
        // it does not use (a `cat` less per unchanged file). Large input is drained, so the
        // sender is not left waiting on a full window.
        let drain = req.content.count > 64 * 1024 ? "cat >/dev/null" : ":"
        // The temporary file is created with O_EXCL (noclobber) under a umask giving it its
        // final mode at once when that is a plain numeric one (no chmod afterwards), else 0600
        // for a file that replaces another (its mode and owner are copied below) or the default
        // mode for a new one, as Ansible does. The name is random and the create exclusive, as
        // mktemp's, without a process for it.
        var exactMode: String?
        if case .numeric(let m)? = req.mode, m & ~0o666 == 0 { exactMode = String(0o777 & ~m, radix: 8) }
        let token = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        var script = """
            check=\(context.checkMode ? 1 : 0); changed=0; d=\(q(req.dest))
            \(req.nameInDirectory.map { "if [ -d \"$d\" ]; then d=\"$d/\"\(q($0)); fi" } ?? "if [ -d \"$d\" ]; then echo \"dest $d is a directory\" >&2; cat >/dev/null; exit 1; fi")
            if [ -e "$d" ] && [ ! -f "$d" ]; then echo "dest $d exists and is not a regular file" >&2; cat >/dev/null; exit 1; fi
            dir=${d%/*}; [ -n "$dir" ] || dir=/; [ "$dir" != "$d" ] || dir=.; if [ ! -d "$dir" ]; then echo "destination directory $dir does not exist" >&2; cat >/dev/null; exit 1; fi
            if [ -f "$d" ]; then have=$(sha1sum < "$d" 2>/dev/null); have=${have%% *}; else have=; fi
            if [ "$have" != \(sha1) ] && { [ -z "$have" ] || [ \(req.force ? 1 : 0) = 1 ]; }; then
              changed=1
              \(wantDiff ? "[ -f \"$d\" ] && echo \"before_b64=$(base64 -w0 < \"$d\")\"" : ":")
              if [ "$check" = 1 ]; then \(drain); else
                t="$dir/.opsctl.$$.\(token)"
                if [ -e "$d" ]; then um=\(exactMode ?? "077"); else um=\(exactMode ?? ""); fi
                ( if [ -n "$um" ]; then umask $um; fi; set -C; exec cat > "$t" ) || { rm -f "$t"; exit 1; }
                if [ -e "$d" ]; then \(exactMode == nil ? "chmod --reference=\"$d\" \"$t\"; " : "")chown --reference="$d" "$t" 2>/dev/null; fi

            """
        if let validate = req.validate {
            let cmd = validate.replacingOccurrences(of: "%s", with: "\"$t\"")
            script += """
                    if ! out=$(\(cmd) 2>&1); then rm -f "$t"; echo "validation failed: \(validate.replacingOccurrences(of: "\"", with: "'")): $out" >&2; exit 3; fi

                """
        }
        if req.backup {
            script += """
                    if [ -f "$d" ]; then b="$d.$$.$(date +%Y-%m-%d@%H:%M:%S~)"; cp -p "$d" "$b" && echo "backup_file=$b"; fi

                """
        }
        script += """
                mv -f "$t" "$d" || { rm -f "$t"; exit 1; }
              fi
            else \(drain); fi

            """
        script += RemoteScript.attributes(mode: req.mode, owner: req.owner, group: req.group)
        script += RemoteScript.describe
        script += "echo dest=\"$d\"\n"
        let r = try context.run(script, stdin: req.content)
        try RemoteScript.check(r, context, "\(module) to \(req.dest)")
        let kv = RemoteScript.keyValues(r.stdoutText)
        var result = ModuleResult(changed: kv["changed"] == "1")
        let dest = kv["dest"] ?? req.dest
        result.values["dest"] = .string(dest)
        result.values["checksum"] = .string(sha1)
        RemoteScript.fileValues(kv, into: &result.values)
        result.values["state"] = "file"
        if let b = kv["backup_file"] { result.values["backup_file"] = .string(b) }
        if context.checkMode && kv["size"] == nil { result.values["size"] = .int(req.content.count) }
        if result.changed && wantDiff {
            let before = kv["before_b64"].flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            result.diffs.append(FileDiff(path: dest, before: before, after: String(decoding: req.content, as: UTF8.self)))
        }
        return result
    }
}
