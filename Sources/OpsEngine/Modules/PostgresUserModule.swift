import Foundation
import Jinja
import OpsCore

/// `postgresql_user` (community.postgresql): a role with login, its password, attribute flags,
/// expiry, connection limit and comment. Two psql round trips at most: one reads the role (and,
/// when a password is given, its stored verifier), the changes go in one transaction after it;
/// an unchanged role costs one. Passwords are compared by recomputing the stored SCRAM or md5
/// verifier here and sent only as a verifier, never in plaintext, never in argv or results.
enum PostgresUserModule: Module {
    static let spec = ModuleSpec(
        name: "postgresql_user", aliases: ["community.postgresql.postgresql_user"],
        args: [
            .init("name", required: true, aliases: ["user"]), .init("password", .raw),
            .init("encrypted", .bool, default: "true"), .init("role_attr_flags", default: ""),
            .init("state", choices: ["absent", "present"], default: "present"), .init("db", aliases: ["login_db"]),
            .init("fail_on_user", .bool, aliases: ["fail_on_role"], default: "true"),
            .init("no_password_changes", .bool, default: "false"), .init("expires"), .init("conn_limit", .int),
            .init("comment"),
        ] + Psql.connectionArgs)

    static let module = "postgresql_user"

    /// role_attr_flags and the pg_roles column each one sets.
    static let flagColumns: [(flag: String, column: String)] = [
        ("SUPERUSER", "rolsuper"), ("CREATEROLE", "rolcreaterole"), ("CREATEDB", "rolcreatedb"),
        ("INHERIT", "rolinherit"), ("LOGIN", "rolcanlogin"), ("REPLICATION", "rolreplication"),
        ("BYPASSRLS", "rolbypassrls"),
    ]

    /// One statement as it runs and as results show it (the password masked as Ansible's no_log does).
    struct Statement {
        var sql: String
        var shown: String
        init(_ sql: String, shown: String? = nil) {
            self.sql = sql
            self.shown = shown ?? sql
        }
    }

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let name = try args.require("name")
        let state = args.string("state") ?? "present"
        let role = try SQLQuoting.identifier(name, "name", module: module)
        let nameLiteral = try literal(name, "name")
        let flags = try parseFlags(args.string("role_attr_flags") ?? "")
        let password = args.string("password")
        let noPasswordChanges = try args.bool("no_password_changes", default: false)
        let expires = try args.string("expires").map { try literal($0, "expires") }
        let connLimit = try args.int("conn_limit")
        let comment = args.string("comment")
        let database = args.string("db").flatMap { $0.isEmpty ? nil : $0 } ?? "postgres"
        let psql = try Psql(module: module, args, database: database)

        let readPassword = state == "present" && password != nil && !noPasswordChanges
        let current = try psql.json(stateQuery(nameLiteral, expires: expires, readPassword: readPassword), context)
        let existing = current["role"] as? [String: Any]
        var result = ModuleResult()
        result.values["user"] = .string(name)
        var statements: [Statement] = []

        if state == "absent" {
            if existing != nil {
                statements.append(Statement("DROP USER \(role)"))
                result.values["user_removed"] = .bool(true)
            }
        } else {
            if let password, !password.isEmpty, !PostgresPassword.isHashed(password),
                !(try args.bool("encrypted", default: true)), (current["version"] as? Int ?? 0) >= 100000
            {
                throw ModuleError(
                    "\(module): encrypted=false is not supported: PostgreSQL 10 and later store only hashed "
                        + "passwords (remove encrypted, or set it to true)")
            }
            func passwordClause() throws -> Statement {
                let verifier = PostgresPassword.verifier(
                    for: password ?? "", user: name, encryption: current["encryption"] as? String ?? "scram-sha-256",
                    iterations: (current["iterations"] as? String).flatMap { Int($0) })
                return Statement(
                    "WITH ENCRYPTED PASSWORD \(try literal(verifier, "password"))",
                    shown: "WITH ENCRYPTED PASSWORD '********'")
            }
            let flagText = flags.map { ($0.on ? "" : "NO") + $0.flag }.joined(separator: " ")
            var clauses: [Statement] = []
            if let existing {
                let pwChanging = password != nil && !noPasswordChanges && (current["password_known"] as? Bool == false
                    || !PostgresPassword.matches(
                        stored: current["password"] as? String, candidate: password!, user: name))
                let flagsChanging = flags.contains { f in
                    let column = flagColumns.first { $0.flag == f.flag }!.column
                    return existing[column] as? Bool != f.on
                }
                let expiresChanging = expires != nil && existing["expires_same"] as? Bool != true
                let limitChanging = connLimit != nil && existing["rolconnlimit"] as? Int != connLimit
                if pwChanging || flagsChanging || expiresChanging || limitChanging {
                    if pwChanging {
                        clauses.append(password!.isEmpty ? Statement("WITH PASSWORD NULL") : try passwordClause())
                        if !flagText.isEmpty { clauses.append(Statement(flagText)) }
                    } else if !flagText.isEmpty {
                        clauses.append(Statement("WITH " + flagText))
                    }
                    if let expires { clauses.append(Statement("VALID UNTIL \(expires)")) }
                    if let connLimit { clauses.append(Statement("CONNECTION LIMIT \(connLimit)")) }
                    statements.append(joined("ALTER USER \(role)", clauses))
                }
            } else {
                if let password, !password.isEmpty { clauses.append(try passwordClause()) }
                if let expires { clauses.append(Statement("VALID UNTIL \(expires)")) }
                if let connLimit { clauses.append(Statement("CONNECTION LIMIT \(connLimit)")) }
                if !flagText.isEmpty { clauses.append(Statement(flagText)) }
                statements.append(joined("CREATE USER \(role)", clauses))
            }
            let currentComment = existing?["comment"] as? String ?? ""
            if let comment, comment != currentComment {
                statements.append(Statement("COMMENT ON ROLE \(role) IS \(try literal(comment, "comment"))"))
            }
        }

        result.changed = !statements.isEmpty
        result.values["queries"] = .list(statements.map { .string($0.shown) })
        if !statements.isEmpty && !context.checkMode {
            do {
                let sql = statements.map { $0.sql + ";" }.joined(separator: "\n")
                _ = try psql.run(sql, context, singleTransaction: true)
            } catch let error as ModuleError where state == "absent" {
                guard try args.bool("fail_on_user", default: true) else {
                    result.changed = false
                    result.values["user_removed"] = .bool(false)
                    result.warnings.append("postgresql_user: could not remove user \"\(name)\": \(error.description)")
                    return result
                }
                throw ModuleError("Unable to remove user \"\(name)\": \(error.description)")
            }
        }
        return result
    }

    private static func joined(_ head: String, _ clauses: [Statement]) -> Statement {
        Statement(
            ([head] + clauses.map(\.sql)).joined(separator: " "),
            shown: ([head] + clauses.map(\.shown)).joined(separator: " "))
    }

    private static func literal(_ text: String, _ what: String) throws -> String {
        try SQLQuoting.literal(text, what, module: module)
    }

    /// One round trip: server settings and the role as it is. The stored verifier is read only when
    /// a password is to be compared, and only if pg_authid is readable (a psql `\if`, since a
    /// statement naming an unreadable table fails as a whole); without it, as in Ansible, the
    /// password counts as changed.
    static func stateQuery(_ nameLiteral: String, expires: String?, readPassword: Bool) -> String {
        let expiresField = expires.map {
            ", 'expires_same', rolvaliduntil IS NOT DISTINCT FROM \($0)::timestamptz"
        } ?? ""
        let roleObject = """
            (SELECT json_build_object(\(flagColumns.map { "'\($0.column)', \($0.column)" }.joined(separator: ", ")),
              'rolconnlimit', rolconnlimit, 'comment', shobj_description(oid, 'pg_authid')\(expiresField))
             FROM pg_roles WHERE rolname = \(nameLiteral))
            """
        func select(_ passwordFields: String) -> String {
            """
            SELECT json_build_object('version', current_setting('server_version_num')::int,
              'encryption', current_setting('password_encryption'),
              'iterations', current_setting('scram_iterations', true),
              'role', \(roleObject)\(passwordFields));

            """
        }
        guard readPassword else { return select("") }
        let stored = "(SELECT rolpassword FROM pg_authid WHERE rolname = \(nameLiteral))"
        return """
            SELECT has_table_privilege('pg_catalog.pg_authid', 'SELECT') AS ops_authid \\gset
            \\if :ops_authid
            \(select(", 'password_known', true, 'password', \(stored)"))\\else
            \(select(", 'password_known', false"))\\endif

            """
    }

    /// Ansible's parse_role_attrs: comma-separated, case-insensitive, each flag or its NO form.
    /// Checked before the host is contacted.
    static func parseFlags(_ text: String) throws -> [(flag: String, on: Bool)] {
        var out: [(flag: String, on: Bool)] = []
        let known = flagColumns.map(\.flag)
        for raw in text.split(separator: ",") {
            let word = raw.trimmingCharacters(in: .whitespaces).uppercased()
            if word.isEmpty { continue }
            let on = !(word.hasPrefix("NO") && known.contains(String(word.dropFirst(2))))
            let flag = on ? word : String(word.dropFirst(2))
            guard known.contains(flag) else {
                let all = known + known.map { "NO" + $0 }
                var hint = Suggestion.closest(to: word, in: all).map { " (did you mean \($0)?)" } ?? ""
                if hint.isEmpty && word.contains(" ") { hint = " (separate flags with commas)" }
                throw ModuleError(
                    "\(module): Invalid role_attr_flags specified: \(raw.trimmingCharacters(in: .whitespaces))\(hint); "
                        + "valid flags: \(known.map { "[NO]" + $0 }.joined(separator: ", "))")
            }
            if let same = out.first(where: { $0.flag == flag }) {
                if same.on != on {
                    throw ModuleError("\(module): role_attr_flags has both \(flag) and NO\(flag)")
                }
                continue
            }
            out.append((flag, on))
        }
        return out
    }
}
