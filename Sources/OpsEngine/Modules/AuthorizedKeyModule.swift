import Foundation
import Jinja
import OpsCore

/// `authorized_key` (ansible.posix): SSH public keys in a user's authorized_keys, following
/// Ansible's enforce_state step by step (keys known by their blob; a key whose options or comment
/// differ is replaced and moves to the end; `exclusive` drops every other line). One round trip
/// reads the file; a second writes it (mode 0600, owned by the user, renamed into place) only
/// when it changes.
enum AuthorizedKeyModule: Module {
    static let spec = ModuleSpec(
        name: "authorized_key",
        args: [
            .init("user", required: true), .init("key", .raw, required: true), .init("path", .path),
            .init("manage_dir", .bool, default: "true"),
            .init("state", choices: ["absent", "present"], default: "present"),
            .init("key_options"), .init("exclusive", .bool, default: "false"), .init("comment"),
            .init("validate_certs", .bool, default: "true"), .init("follow", .bool, default: "false"),
        ])

    static let module = "authorized_key"

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let q = RemoteScript.q
        let user = try args.require("user")
        let key = args.string("key") ?? ""
        let state = args.string("state") ?? "present"
        let path = args.string("path").flatMap { $0.isEmpty ? nil : $0 }
        let manageDir = try args.bool("manage_dir", default: true)
        let exclusive = try args.bool("exclusive", default: false)
        let follow = try args.bool("follow", default: false)
        let keyOptions = args.string("key_options")
        let comment = args.string("comment")
        if key.hasPrefix("http") {
            throw ModuleError(
                "\(module): fetching keys from a URL (\(key)) is not supported; give the key text itself "
                    + "(e.g. from a variable: key: \"{{ deploy_public_key }}\")")
        }
        var wanted: [AuthorizedKeys.Entry] = []
        let lines = key.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("#") }
        for (i, line) in lines.enumerated() {
            guard var entry = AuthorizedKeys.parse(String(line), rank: i) else {
                throw ModuleError("invalid key specified: \(line)")
            }
            if let keyOptions { entry.options = AuthorizedKeys.parseOptions(keyOptions) }
            if let comment { entry.comment = comment }
            wanted.append(entry)
        }

        var read = "u=\(q(user)); pw=$(getent passwd \"$u\"); echo \"passwd=$pw\"\n"
        if let path {
            read += "f=\(q(path))\n"
        } else {
            read += "[ -n \"$pw\" ] || exit 0\nf=\"$(printf '%s' \"$pw\" | cut -d: -f6)/.ssh/authorized_keys\"\n"
        }
        if follow { read += "f=$(readlink -m \"$f\")\n" }
        read += """
            echo "keyfile=$f"
            if [ -f "$f" ]; then c=$(base64 -w0 < "$f") || exit 1; echo "content_b64=$c"; fi

            """
        let r = try context.run(read)
        try RemoteScript.check(r, context, "\(module) reading the keys of \(user)")
        let kv = RemoteScript.keyValues(r.stdoutText)
        let passwd = kv["passwd"] ?? ""
        if passwd.isEmpty && (path == nil || !context.checkMode) {
            if context.checkMode {
                return .failure("Either user must exist or you must provide full path to key file in check mode")
            }
            return .failure("Failed to lookup user \(user): getpwnam(): name not found: '\(user)'")
        }
        let keyfile = kv["keyfile"] ?? path ?? ""
        let before = kv["content_b64"].flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
            ?? ""

        var keys = AuthorizedKeys(parsing: before)
        let changed = state == "present" ? keys.add(wanted, exclusive: exclusive) : keys.remove(wanted)
        let after = keys.text

        var result = ModuleResult(changed: changed)
        result.values = [
            "user": .string(user), "key": .string(key), "key_options": keyOptions.map(Value.string) ?? Value.none,
            "keyfile": .string(keyfile), "exclusive": .bool(exclusive), "manage_dir": .bool(manageDir),
            "path": path.map(Value.string) ?? Value.none, "state": .string(state),
            "comment": comment.map(Value.string) ?? Value.none,
            "follow": .bool(follow), "validate_certs": .bool(try args.bool("validate_certs", default: true)),
        ]
        guard changed else { return result }
        if context.diffMode {
            result.diffs.append(FileDiff(path: keyfile, before: before, after: after))
        }
        if context.checkMode { return result }

        let fields = passwd.split(separator: ":", omittingEmptySubsequences: false)
        let owner = fields.count > 3 ? "\(fields[2]):\(fields[3])" : ""
        var write = "f=\(q(keyfile)); o=\(q(owner)); dir=$(dirname \"$f\")\n"
        if manageDir {
            write += """
                if [ ! -d "$dir" ]; then
                  e=$(mkdir -m 0700 "$dir" 2>&1) || { echo "Failed to create directory $dir : $e" >&2; exit 1; }; fi
                chown "$o" "$dir" && chmod 0700 "$dir" || exit 1

                """
        }
        write += """
            [ -d "$dir" ] || mkdir -p "$dir" || exit 1
            t=$(mktemp "$dir/.opsctl.XXXXXX") || exit 1
            cat > "$t" || { rm -f "$t"; exit 1; }
            chown "$o" "$t" 2>/dev/null; chmod 0600 "$t" && mv -f "$t" "$f" || { rm -f "$t"; exit 1; }

            """
        let w = try context.run(write, stdin: Data(after.utf8))
        try RemoteScript.check(w, context, "\(module) writing \(keyfile)")
        return result
    }
}
