import Crypto
import Foundation
import Jinja
import OpsCore

/// `fetch`: copies a host file to the control node, by default under
/// `dest/INVENTORY_HOSTNAME/PATH` (Ansible's layout), or exactly at `dest` with `flat`. One round
/// trip: the host compares the SHA-1 with the local copy's and sends the bytes only when they differ.
enum FetchModule: Module {
    static let spec = ModuleSpec(
        name: "fetch",
        args: [
            .init("src", .path, required: true), .init("dest", .path, required: true), .init("flat", .bool),
            .init("fail_on_missing", .bool), .init("validate_checksum", .bool, aliases: ["validate_md5"]),
        ])

    private static let contentMarker = Data("\n--opsctl-fetch-content--\n".utf8)

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let src = try args.require("src")
        var dest = try args.require("dest")
        if !dest.hasPrefix("/") { dest = context.task.baseDirectory + "/" + dest }
        if try args.bool("flat", default: false) {
            if dest.hasSuffix("/") { dest += (src as NSString).lastPathComponent }
        } else {
            let host = try context.scope.resolve("inventory_hostname").map(PlaybookValues.string) ?? context.host
            dest = "\(dest)/\(host)/\(src)"
        }
        while dest.contains("//") { dest = dest.replacingOccurrences(of: "//", with: "/") }
        let local = FileManager.default.contents(atPath: dest)
        let localSum = local.map(sha1) ?? "none"
        let script = """
            p=\(RemoteScript.q(src))
            if [ -d "$p" ]; then echo remote=3; exit 0; fi
            if [ ! -e "$p" ]; then echo remote=1; exit 0; fi
            if [ ! -r "$p" ]; then echo remote=2; exit 0; fi
            sum=$(sha1sum < "$p" | cut -c1-40) || { echo remote=0; exit 0; }
            echo "remote_checksum=$sum"
            if [ "$sum" != \(localSum) ] && [ \(context.checkMode ? 1 : 0) = 0 ]; then
              printf '\\n--opsctl-fetch-content--\\n'; exec cat "$p"; fi
            """
        let r = try context.run(script)
        try RemoteScript.check(r, context, "fetch \(src)")
        var header = r.stdout, content: Data?
        if let range = r.stdout.range(of: contentMarker) {
            header = r.stdout[..<range.lowerBound]
            content = r.stdout[range.upperBound...]
        }
        let kv = RemoteScript.keyValues(String(decoding: header, as: UTF8.self))
        if let code = kv["remote"] {
            let messages = [
                "0": "unable to calculate the checksum of the remote file", "1": "the remote file does not exist",
                "2": "no read permission on remote file",
                "3": "remote file is a directory, fetch cannot work on directories",
            ]
            var result = ModuleResult(msg: messages[code] ?? "fetch failed")
            result.values["file"] = .string(src)
            if try args.bool("fail_on_missing", default: true) {
                result.failed = true
            } else {
                result.msg! += ", not transferring, ignored"
            }
            return result
        }
        let remoteSum = kv["remote_checksum"] ?? ""
        var result = ModuleResult()
        result.values["dest"] = .string(dest)
        if remoteSum == localSum {
            result.values["file"] = .string(src)
            result.values["checksum"] = .string(localSum)
            result.values["md5sum"] = .string(md5(local!))
            return result
        }
        result.changed = true
        result.values["remote_checksum"] = .string(remoteSum)
        result.values["remote_md5sum"] = Value.none
        guard let content else {
            // Check mode: what would be fetched is not transferred.
            result.values["checksum"] = .string(remoteSum)
            return result
        }
        let data = Data(content)
        let newSum = sha1(data)
        if try args.bool("validate_checksum", default: true), newSum != remoteSum {
            return .failure("checksum mismatch", ["file": .string(src), "dest": .string(dest),
                "checksum": .string(newSum), "remote_checksum": .string(remoteSum)])
        }
        do {
            try FileManager.default.createDirectory(
                atPath: (dest as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: dest), options: .atomic)
        } catch {
            throw ModuleError("fetch: cannot write \(dest) on the control node: \(error.localizedDescription)")
        }
        result.values["checksum"] = .string(newSum)
        result.values["md5sum"] = .string(md5(data))
        return result
    }

    static func sha1(_ d: Data) -> String { Insecure.SHA1.hash(data: d).map { String(format: "%02x", $0) }.joined() }
    static func md5(_ d: Data) -> String { Insecure.MD5.hash(data: d).map { String(format: "%02x", $0) }.joined() }
}
