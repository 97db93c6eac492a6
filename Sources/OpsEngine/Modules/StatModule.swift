import Jinja
import OpsCore

/// `stat`: facts about a path, under `stat` (exists, isdir, islnk, mode, checksum, …).
enum StatModule: Module {
    static let spec = ModuleSpec(
        name: "stat",
        args: [
            .init("path", .path, required: true, aliases: ["dest", "name"]), .init("follow", .bool),
            .init("get_checksum", .bool), .init("checksum_algorithm", choices: ["md5", "sha1", "sha224", "sha256",
                "sha384", "sha512"], aliases: ["checksum", "checksum_algo"]),
            .init("get_mime", .bool, aliases: ["mime", "mime_type", "mime-type"]), .init("get_attributes", .bool),
        ])

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let path = try args.require("path")
        let follow = try args.bool("follow", default: false)
        let algorithm = args.string("checksum_algorithm") ?? "sha1"
        let checksum = try args.bool("get_checksum", default: true)
        let l = follow ? "-L " : ""
        let script = """
            p=\(RemoteScript.q(path))
            if [ -e "$p" ] || [ -L "$p" ]; then
            stat \(l)-c 'mode=%a
            uid=%u
            gid=%g
            pw_name=%U
            gr_name=%G
            size=%s
            mtime=%Y
            atime=%X
            ctime=%Z
            inode=%i
            dev=%d
            nlink=%h
            ftype=%F' "$p"
            [ -L "$p" ] && echo "lnk_source=$(readlink -f "$p")" && echo "lnk_target=$(readlink "$p")"
            [ -r "$p" ] && echo readable=1; [ -w "$p" ] && echo writeable=1; [ -x "$p" ] && echo executable=1
            \(checksum ? "if [ -f \"$p\" ] && [ -r \"$p\" ]; then echo \"checksum=$(\(algorithm)sum < \"$p\" | cut -d' ' -f1)\"; fi" : ":")
            else echo exists=0; fi
            """
        let r = try context.run(script)
        try RemoteScript.check(r, context, "stat \(path)")
        let kv = RemoteScript.keyValues(r.stdoutText)
        var stat = ValueDict()
        if kv["exists"] == "0" {
            stat["exists"] = false
        } else {
            let ftype = kv["ftype"] ?? ""
            stat["exists"] = true
            stat["path"] = .string(path)
            if let m = kv["mode"], let i = Int(m, radix: 8) { stat["mode"] = .string(String(format: "%04o", i)) }
            stat["isdir"] = .bool(ftype == "directory")
            stat["isreg"] = .bool(ftype.hasPrefix("regular"))
            stat["islnk"] = .bool(ftype == "symbolic link")
            stat["isblk"] = .bool(ftype == "block special file")
            stat["ischr"] = .bool(ftype == "character special file")
            stat["isfifo"] = .bool(ftype == "fifo")
            stat["issock"] = .bool(ftype == "socket")
            for key in ["uid", "gid", "size", "inode", "dev", "nlink"] {
                if let v = kv[key].flatMap({ Int($0) }) { stat[key] = .int(v) }
            }
            for key in ["mtime", "atime", "ctime"] { if let v = kv[key].flatMap({ Double($0) }) { stat[key] = .double(v) } }
            if let v = kv["pw_name"] { stat["pw_name"] = .string(v) }
            if let v = kv["gr_name"] { stat["gr_name"] = .string(v) }
            stat["readable"] = .bool(kv["readable"] == "1")
            stat["writeable"] = .bool(kv["writeable"] == "1")
            stat["executable"] = .bool(kv["executable"] == "1")
            if let v = kv["lnk_source"] { stat["lnk_source"] = .string(v) }
            if let v = kv["lnk_target"] { stat["lnk_target"] = .string(v) }
            if let v = kv["checksum"] { stat["checksum"] = .string(v) }
        }
        var result = ModuleResult()
        result.values["stat"] = .dict(stat)
        return result
    }
}
