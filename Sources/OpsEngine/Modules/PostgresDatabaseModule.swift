import Foundation
import Jinja
import OpsCore

/// `postgresql_db` (community.postgresql): a database with its owner, encoding, collation, ctype,
/// connection limit and comment, or its removal. One psql round trip reads the database, a second
/// makes the changes (none when it already matches). Encoding and locale are fixed at creation:
/// an existing database that differs fails with Ansible's message rather than being recreated.
/// Dump, restore and rename are not implemented; the loader rejects those states.
enum PostgresDatabaseModule: Module {
    static let spec = ModuleSpec(
        name: "postgresql_db", aliases: ["community.postgresql.postgresql_db"],
        args: [
            .init("name", required: true, aliases: ["db"]), .init("owner"), .init("template"), .init("encoding"),
            .init("lc_collate"), .init("lc_ctype"), .init("state", choices: ["absent", "present"], default: "present"),
            .init("maintenance_db", default: "postgres"), .init("conn_limit", .int), .init("comment"),
            .init("force", .bool, default: "false"),
        ] + Psql.connectionArgs)

    static let module = "postgresql_db"

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let name = try args.require("name")
        let state = args.string("state") ?? "present"
        let db = try identifier(name, "name")
        let nameLiteral = try literal(name, "name")
        func given(_ key: String) -> String? { args.string(key).flatMap { $0.isEmpty ? nil : $0 } }
        let owner = given("owner"), template = given("template"), encoding = given("encoding")
        let collate = given("lc_collate"), ctype = given("lc_ctype")
        let connLimit = try args.int("conn_limit")
        let comment = args.string("comment")
        let maintenance = given("maintenance_db") ?? "postgres"
        let psql = try Psql(module: module, args, database: maintenance)

        let encodingCheck = try encoding.map {
            ", 'encoding_same', encoding = pg_char_to_encoding(\(try literal($0, "encoding")))"
        } ?? ""
        let current = try psql.json(
            """
            SELECT json_build_object('version', current_setting('server_version_num')::int, 'db',
              (SELECT json_build_object('owner', pg_get_userbyid(datdba), 'encoding', pg_encoding_to_char(encoding),
                 'lc_collate', datcollate, 'lc_ctype', datctype, 'conn_limit', datconnlimit,
                 'comment', shobj_description(oid, 'pg_database')\(encodingCheck))
               FROM pg_database WHERE datname = \(nameLiteral)));

            """, context)
        let existing = current["db"] as? [String: Any]
        var commands: [String] = []

        if state == "absent" {
            if existing != nil {
                let force = try args.bool("force", default: false)
                commands.append("DROP DATABASE \(db)" + (force ? " WITH (FORCE)" : ""))
            }
        } else if let existing {
            // Ansible's NotSupportedError messages, word for word: playbooks may match on them.
            func now(_ key: String) -> String { existing[key] as? String ?? "" }
            if encoding != nil, existing["encoding_same"] as? Bool != true {
                return .failure("Changing database encoding is not supported. Current encoding: \(now("encoding"))")
            }
            if let collate, collate != now("lc_collate") {
                return .failure("Changing LC_COLLATE is not supported. Current LC_COLLATE: \(now("lc_collate"))")
            }
            if let ctype, ctype != now("lc_ctype") {
                return .failure("Changing LC_CTYPE is not supported.Current LC_CTYPE: \(now("lc_ctype"))")
            }
            if let owner, owner != existing["owner"] as? String {
                commands.append("ALTER DATABASE \(db) OWNER TO \(try identifier(owner, "owner"))")
            }
            if let connLimit, connLimit != existing["conn_limit"] as? Int {
                commands.append("ALTER DATABASE \(db) CONNECTION LIMIT \(connLimit)")
            }
            if let comment, comment != (existing["comment"] as? String ?? "") {
                commands.append("COMMENT ON DATABASE \(db) IS \(try literal(comment, "comment"))")
            }
        } else {
            var create = "CREATE DATABASE \(db)"
            if let owner { create += " OWNER \(try identifier(owner, "owner"))" }
            if let template { create += " TEMPLATE \(try identifier(template, "template"))" }
            if let encoding { create += " ENCODING \(try literal(encoding, "encoding"))" }
            if let collate { create += " LC_COLLATE \(try literal(collate, "lc_collate"))" }
            if let ctype { create += " LC_CTYPE \(try literal(ctype, "lc_ctype"))" }
            if let connLimit { create += " CONNECTION LIMIT \(connLimit)" }
            commands.append(create)
            if let comment, !comment.isEmpty {
                commands.append("COMMENT ON DATABASE \(db) IS \(try literal(comment, "comment"))")
            }
        }

        var result = ModuleResult(changed: !commands.isEmpty)
        result.values["db"] = .string(name)
        result.values["executed_commands"] = .list(commands.map { .string($0) })
        if !commands.isEmpty && !context.checkMode {
            // CREATE/DROP DATABASE cannot run inside a transaction block: one statement after another.
            _ = try psql.run(commands.map { $0 + ";" }.joined(separator: "\n"), context)
        }
        return result
    }

    private static func literal(_ text: String, _ what: String) throws -> String {
        try SQLQuoting.literal(text, what, module: module)
    }

    private static func identifier(_ name: String, _ what: String) throws -> String {
        try SQLQuoting.identifier(name, what, module: module)
    }
}
