import Foundation
import Jinja
import OpsCore

/// `file`: directories, empty files, symlinks and hard links, removal, and mode/owner/group.
enum FileModule: Module {
    static let spec = ModuleSpec(
        name: "file",
        args: [
            .init("path", .path, required: true, aliases: ["dest", "name"]),
            .init("state", choices: ["absent", "directory", "file", "hard", "link", "touch"]),
            .init("src", .path), .init("mode", .mode), .init("owner"), .init("group"), .init("recurse", .bool),
            .init("force", .bool), .init("follow", .bool), .init("modification_time"), .init("access_time"),
            .init("modification_time_format"), .init("access_time_format"), .init("unsafe_writes", .bool),
            .init("seuser"), .init("serole"), .init("setype"), .init("selevel"),
            .init("attributes", aliases: ["attr"]),
        ])

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let q = RemoteScript.q
        let path = try args.require("path")
        let recurse = try args.bool("recurse", default: false)
        let force = try args.bool("force", default: false)
        let state = args.string("state") ?? (recurse ? "directory" : "")
        let mode = try args.mode(), owner = args.string("owner"), group = args.string("group")
        var script = "check=\(context.checkMode ? 1 : 0); changed=0; d=\(q(path))\n"
        script += "if [ -L \"$d\" ]; then before=link; elif [ -d \"$d\" ]; then before=directory; "
            + "elif [ -e \"$d\" ]; then before=file; else before=absent; fi; echo before=$before\n"
        switch state {
        case "directory":
            script += """
                if [ "$before" = absent ]; then changed=1; [ "$check" = 1 ] || mkdir -p "$d" || exit 1
                elif [ "$before" != directory ]; then echo "$d exists and is a $before, not a directory" >&2; exit 1; fi

                """
        case "touch":
            script += """
                changed=1; [ "$check" = 1 ] || touch "$d" || exit 1

                """
        case "absent":
            script += """
                if [ "$before" != absent ]; then changed=1; [ "$check" = 1 ] || rm -rf "$d" || exit 1; fi
                echo changed=$changed; exit 0

                """
        case "link", "hard":
            guard let src = args.string("src") else { throw ModuleError("file: state=\(state) needs src") }
            if state == "link" {
                script += """
                    if [ "$before" = link ] && [ "$(readlink "$d")" = \(q(src)) ]; then :
                    elif [ "$before" = directory ] || { [ "$before" = file ] && [ \(force ? 1 : 0) = 0 ]; }; then
                      echo "refusing to convert $d from $before to a symlink (force=yes to replace a file)" >&2; exit 1
                    else changed=1; [ "$check" = 1 ] || ln -sfn \(q(src)) "$d" || exit 1; fi

                    """
            } else {
                script += """
                    [ -e \(q(src)) ] || { echo "src \(src) does not exist" >&2; exit 1; }
                    if [ "$before" != absent ] && [ "$(stat -c %d:%i "$d")" = "$(stat -c %d:%i \(q(src)))" ]; then :
                    else changed=1; [ "$check" = 1 ] || ln -f \(q(src)) "$d" || exit 1; fi

                    """
            }
            // Attributes of a symlink apply to its target, as chmod does; Ansible's follow=yes default.
        case "file", "":
            script += """
                if [ "$before" = absent ]; then echo "file ($d) is absent, cannot continue" >&2; exit 1; fi

                """
        default:
            throw ModuleError("file: unknown state \(state)")
        }
        if recurse && state == "directory" {
            var tests: [String] = []
            if case .numeric(let m)? = mode { tests.append("! -perm \(String(format: "%04o", m))") }
            if let owner { tests.append("! -user \(q(owner))") }
            if let group { tests.append("! -group \(q(group))") }
            if !tests.isEmpty {
                script += """
                    if [ -d "$d" ] && [ -n "$(find "$d" \\( \(tests.joined(separator: " -o ")) \\) -print -quit)" ]; then changed=1
                    if [ "$check" = 0 ]; then \(mode.map { "chmod -R \($0.chmodArgument) \"$d\";" } ?? "") \(owner.map { "chown -R \(q($0)) \"$d\";" } ?? "") \(group.map { "chgrp -R \(q($0)) \"$d\";" } ?? "") fi; fi

                    """
            }
        } else {
            script += RemoteScript.attributes(mode: mode, owner: owner, group: group)
        }
        script += RemoteScript.describe
        let r = try context.run(script)
        try RemoteScript.check(r, context, "file \(path)")
        let kv = RemoteScript.keyValues(r.stdoutText)
        var result = ModuleResult(changed: kv["changed"] == "1")
        result.values["path"] = .string(path)
        RemoteScript.fileValues(kv, into: &result.values)
        let after = state.isEmpty ? (kv["before"] ?? "file") : state
        result.values["state"] = .string(context.checkMode && result.changed ? after : (result.values["state"]?.stringValue ?? after))
        if state == "absent" { result.values["state"] = "absent" }
        if let src = args.string("src") { result.values["src"] = .string(src) }
        result.values["diff"] = .dict([
            "before": .dict(["path": .string(path), "state": .string(kv["before"] ?? "absent")]),
            "after": .dict(["path": .string(path), "state": .string(after)]),
        ])
        return result
    }
}
