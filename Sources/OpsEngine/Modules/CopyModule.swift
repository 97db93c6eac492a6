import Foundation
import Jinja
import OpsCore

/// `copy`: puts `content` or a control-node file (`src`) at `dest`.
enum CopyModule: Module {
    static let spec = ModuleSpec(
        name: "copy",
        args: [
            .init("dest", .path, required: true), .init("src", .path), .init("content", .raw),
            .init("mode", .mode), .init("owner"), .init("group"), .init("backup", .bool), .init("force", .bool),
            .init("validate"), .init("remote_src", .bool), .init("directory_mode", .mode), .init("decrypt", .bool),
            .init("follow", .bool), .init("local_follow", .bool), .init("unsafe_writes", .bool),
            .init("checksum"), .init("seuser"), .init("serole"), .init("setype"), .init("selevel"),
            .init("attributes", aliases: ["attr"]),
        ],
        requiredOneOf: [["src", "content"]], mutuallyExclusive: [["src", "content"]])

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let dest = try args.require("dest")
        var content: Data
        var name: String?
        if args.has("content") {
            let v = args.value("content")!
            // Ansible writes non-string content as JSON (a dict becomes {"a": 1}).
            if case .string(let s) = v { content = Data(s.utf8) } else { content = Data(try JSON.dump(v).utf8) }
        } else {
            let src = try args.require("src")
            if try args.bool("remote_src", default: false) {
                return try remoteCopy(src: src, dest: dest, args, context)
            }
            let path = try context.findLocalFile(src, folder: "files")
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
                throw ModuleError("copy: src \(src) is a directory; copying directories is not supported yet")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ModuleError("copy: cannot read \(path) on the control node")
            }
            content = data
            name = (src as NSString).lastPathComponent
        }
        if dest.hasSuffix("/"), name == nil {
            throw ModuleError("copy: dest \(dest) is a directory; content needs a file name")
        }
        var result = try FileWriter.write(
            .init(
                content: content, dest: name != nil && dest.hasSuffix("/") ? String(dest.dropLast()) : dest,
                nameInDirectory: name, mode: try args.mode(), owner: args.string("owner"), group: args.string("group"),
                backup: try args.bool("backup", default: false), force: try args.bool("force", default: true),
                validate: args.string("validate")), module: "copy", context)
        if let src = args.string("src") { result.values["src"] = .string(src) }
        return result
    }

    /// `remote_src: yes`: the source is already on the host.
    static func remoteCopy(src: String, dest: String, _ args: ModuleArguments, _ context: ModuleContext) throws
        -> ModuleResult
    {
        let q = RemoteScript.q
        var script = """
            check=\(context.checkMode ? 1 : 0); changed=0; s=\(q(src)); d=\(q(dest))
            [ -f "$s" ] || { echo "source $s not found on the host" >&2; exit 1; }
            if [ -d "$d" ]; then d="$d/$(basename "$s")"; fi
            if ! cmp -s "$s" "$d"; then changed=1; [ "$check" = 1 ] || { cp -p "$s" "$d.opsctl-tmp" && mv -f "$d.opsctl-tmp" "$d"; } || exit 1; fi

            """
        script += RemoteScript.attributes(mode: try args.mode(), owner: args.string("owner"), group: args.string("group"))
        script += RemoteScript.describe + "echo dest=\"$d\"; echo checksum=$(sha1sum < \"$d\" 2>/dev/null | cut -c1-40)\n"
        let r = try context.run(script)
        try RemoteScript.check(r, context, "copy \(src) to \(dest)")
        let kv = RemoteScript.keyValues(r.stdoutText)
        var result = ModuleResult(changed: kv["changed"] == "1")
        result.values["dest"] = .string(kv["dest"] ?? dest)
        result.values["src"] = .string(src)
        if let c = kv["checksum"], !c.isEmpty { result.values["checksum"] = .string(c) }
        RemoteScript.fileValues(kv, into: &result.values)
        return result
    }
}
