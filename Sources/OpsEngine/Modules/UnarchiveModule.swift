import Foundation
import Jinja
import OpsCore

/// `unarchive`: unpacks a tar (plain, gzip, bzip2, xz, zstd) or zip archive into an existing
/// directory. The archive comes from the control node on the script's stdin (one round trip) or
/// is already on the host (`remote_src`). Idempotent as Ansible: `creates`, then a comparison of
/// the archive with `dest` (`tar --diff`, or each zip member's bytes), and nothing is unpacked
/// when they agree.
enum UnarchiveModule: Module {
    static let spec = ModuleSpec(
        name: "unarchive",
        args: [
            .init("src", .path, required: true), .init("dest", .path, required: true), .init("remote_src", .bool),
            .init("copy", .bool), .init("creates", .path), .init("list_files", .bool), .init("extra_opts", .list),
            .init("exclude", .list), .init("include", .list), .init("keep_newer", .bool), .init("mode", .mode),
            .init("owner"), .init("group"), .init("decrypt", .bool), .init("io_buffer_size", .int),
            .init("validate_certs", .bool), .init("unsafe_writes", .bool), .init("seuser"), .init("serole"),
            .init("setype"), .init("selevel"), .init("attributes", aliases: ["attr"]),
        ],
        mutuallyExclusive: [["copy", "remote_src"]])

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let q = RemoteScript.q
        let src = try args.require("src"), dest = try args.require("dest")
        let remote = try args.bool("remote_src", default: false) || !(try args.bool("copy", default: true))
        var stdin: Data?
        if !remote {
            let path = try context.findLocalFile(src, folder: "files")
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ModuleError("unarchive: cannot read \(path) on the control node")
            }
            stdin = data
        }
        let mode = try args.mode(), owner = args.string("owner"), group = args.string("group")
        var opts = (args.stringList("extra_opts") ?? []).map(q).joined(separator: " ")
        if try args.bool("keep_newer", default: false) { opts += " --keep-newer-files" }
        opts += (args.stringList("exclude") ?? []).map { " --exclude=" + q($0) }.joined()
        let include = (args.stringList("include") ?? []).map(q).joined(separator: " ")
        let drain = remote ? ":" : "cat >/dev/null"
        let noHandler = "Failed to find handler for \"\(src)\". "
            + "Make sure the required command to extract the file is installed."
        // What `tar --diff` reports that means "not unpacked yet"; mode/owner/group differences
        // do not count when the task sets them anyway (Ansible's is_unarchived).
        var differs = ["Mod time differs", "Contents differ", "Size differs", "No such file", "Cannot stat",
            "Symlink differs", "File type differs", "Not a ", "does not exist"]
        if mode == nil { differs.append("Mode differs") }
        if owner == nil { differs.append("Uid differs") }
        if group == nil { differs.append("Gid differs") }
        var script = """
            check=\(context.checkMode ? 1 : 0); changed=0; dest=\(q(dest)); export LC_ALL=C
            fail() { echo "$1" >&2; exit 1; }
            list=$(mktemp); tmp=""; trap 'rm -f "$list" $tmp' EXIT

            """
        if let creates = args.string("creates") {
            script += "if [ -e \(q(creates)) ]; then \(drain); echo skipped=1; exit 0; fi\n"
        }
        script += "[ -d \"$dest\" ] || { \(drain); fail \"dest '$dest' must be an existing dir\"; }\n"
        if remote {
            script += "a=\(q(src)); [ -f \"$a\" ] || fail \"Source '$a' does not exist\"\n"
        } else {
            script += "a=$(mktemp); tmp=\"$a\"; cat > \"$a\" || exit 1\n"
        }
        script += """
            magic=$(od -An -tx1 -N6 "$a" | tr -d ' \\n')
            case "$magic" in
              1f8b*) h=TgzArchive;; fd377a585a00) h=TarXzArchive;; 425a68*) h=TarBzipArchive;;
              28b52ffd*) h=TarZstdArchive;; 504b0304*) h=ZipArchive;;
              *) if tar -tf "$a" >/dev/null 2>&1; then h=TarArchive; else h=""; fi;;
            esac
            [ -n "$h" ] || fail \(q(noHandler))
            echo handler=$h
            if [ $h = ZipArchive ]; then
              command -v unzip >/dev/null || fail "Unable to find required 'unzip' binary in the path"
              unzip -Z1 "$a" \(include) > "$list" || fail "could not list $a"
              same=1
              while IFS= read -r f; do
                case "$f" in
                  */) [ -d "$dest/$f" ] || same=0;;
                  *) unzip -p "$a" "$f" | cmp -s - "$dest/$f" || same=0;;
                esac
                [ $same = 1 ] || break; done < "$list"
              cmd="unzip -o $a -d $dest"
              extract() { unzip -o "$a" \(include) -d "$dest"; }
            else
              tar -tf "$a" \(opts.isEmpty ? "" : "--show-transformed-names ")\(opts) \(include) | grep -v '^$' > "$list" ||
                fail "could not list $a"
              dout=$(tar --diff -C "$dest" \(opts.isEmpty ? "" : "--show-transformed-names ")\(opts) \
                -f "$a" \(include) \
                2>&1)
              # --strip-components leaves the stripped top directory as an empty name tar cannot stat: not a difference.
              if printf '%s\\n' "$dout" | grep -v ': : Warning: Cannot stat' | grep -qE \(q(differs.joined(separator: "|")))
              then same=0; else same=1; fi
              cmd="tar --extract -C $dest \(opts) -f $a"
              extract() { tar --extract -C "$dest" \(opts) -f "$a" \(include); }
            fi
            if [ $same = 0 ]; then changed=1
              if [ "$check" = 0 ]; then
                eout=$(mktemp); eerr=$(mktemp); tmp="$tmp $eout $eerr"
                extract >"$eout" 2>"$eerr"; erc=$?
                echo "extract_rc=$erc"; echo "extract_cmd=$cmd"
                echo "extract_out=$(base64 -w0 < "$eout")"; echo "extract_err=$(base64 -w0 < "$eerr")"
                [ $erc = 0 ] || { cat "$eerr" >&2; exit 1; }
              fi
            fi

            """
        if mode != nil || owner != nil || group != nil {
            // Ansible sets the attributes on every member unpacked, not only on dest.
            script += """
                while IFS= read -r f; do d="$dest/${f%/}"; [ -e "$d" ] || continue
                \(RemoteScript.attributes(mode: mode, owner: owner, group: group))done < "$list"

                """
        }
        if try args.bool("list_files", default: false) { script += "echo \"files=$(base64 -w0 < \"$list\")\"\n" }
        script += "d=\"$dest\"\n" + RemoteScript.describe
        let r = try context.run(script, stdin: stdin)
        if r.exitStatus != 0 {
            let err = r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            var failure = ModuleResult.failure(err.isEmpty ? "unarchive \(src) failed on \(context.host)" : err)
            failure.values["dest"] = .string(dest)
            failure.values["src"] = .string(src)
            return failure
        }
        let kv = RemoteScript.keyValues(r.stdoutText)
        if kv["skipped"] == "1" {
            var result = ModuleResult(msg: "skipped, since \(args.string("creates")!) exists")
            result.skipped = true
            return result
        }
        func decode(_ key: String) -> String {
            kv[key].flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        var result = ModuleResult(changed: kv["changed"] == "1")
        result.values["dest"] = .string(dest)
        result.values["src"] = .string(src)
        result.values["handler"] = .string(kv["handler"] ?? "")
        RemoteScript.fileValues(kv, into: &result.values)
        if let rc = kv["extract_rc"].flatMap({ Int($0) }) {
            result.values["extract_results"] = .dict([
                "cmd": .string(kv["extract_cmd"] ?? ""), "rc": .int(rc), "out": .string(decode("extract_out")),
                "err": .string(decode("extract_err")),
            ])
        }
        if kv["files"] != nil {
            result.values["files"] = .list(decode("files").split(separator: "\n").map { .string(String($0)) })
        }
        return result
    }
}
