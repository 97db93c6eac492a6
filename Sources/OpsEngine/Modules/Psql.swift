import Foundation
import OpsCore

/// How the PostgreSQL modules reach the server: `psql` on the host, over the task's own
/// connection, as the task's (become) user — typically `become_user: postgres` with peer
/// authentication on the Unix socket, so hosts need no Python and no stored password. SQL goes
/// on stdin, never into the command line, so no password shows in `ps` or in logs.
struct Psql {
    let module: String
    let user: String
    let database: String
    let port: Int?
    let socket: String?
    let sessionRole: String?

    /// The connection arguments both modules take, with Ansible's names and defaults.
    static let connectionArgs: [ModuleSpec.Arg] = [
        .init("login_user", default: "postgres"), .init("port", .int, aliases: ["login_port"]),
        .init("login_unix_socket", .path), .init("session_role"),
    ]

    init(module: String, _ args: ModuleArguments, database: String) throws {
        self.module = module
        user = args.string("login_user") ?? "postgres"
        self.database = database
        port = try args.int("port")
        socket = args.string("login_unix_socket").flatMap { $0.isEmpty ? nil : $0 }
        sessionRole = args.string("session_role").flatMap { $0.isEmpty ? nil : $0 }
        if let port, !(1...65535).contains(port) { throw ModuleError("\(module): port \(port) is not a TCP port") }
        if user.isEmpty { throw ModuleError("\(module): login_user must not be empty") }
    }

    /// What runs on the host (no secrets in it: it is logged, and visible in `ps`).
    func command(singleTransaction: Bool) -> String {
        let q = RemoteScript.q
        var c = "psql -X -A -t -q -v ON_ERROR_STOP=1 -U \(q(user)) -d \(q(database))"
        if let socket { c += " -h \(q(socket))" }
        if let port { c += " -p \(port)" }
        if singleTransaction { c += " -1" }
        return c
    }

    /// Runs `sql` (psql meta-commands allowed) and returns what it printed. With `singleTransaction`,
    /// a failing statement rolls back everything before it.
    func run(_ sql: String, _ context: ModuleContext, singleTransaction: Bool = false) throws -> String {
        var text = sql
        if let role = sessionRole {
            text = "SET ROLE \(try SQLQuoting.identifier(role, "session_role", module: module));\n" + text
        }
        let command = self.command(singleTransaction: singleTransaction)
        // A cwd the become user cannot read makes Debian's psql wrapper complain; `/` never does.
        let script = """
            command -v psql >/dev/null 2>&1 || { echo "psql not found: install postgresql-client" >&2; exit 127; }
            cd / && PGCLIENTENCODING=UTF8 LC_MESSAGES=C exec \(command)
            """
        let r = try context.run(script, stdin: Data(text.utf8))
        guard r.exitStatus == 0 else {
            throw ModuleError(
                "\(module) on \(context.host): \(command) failed (rc=\(r.exitStatus)): \(explain(r.stderrText))")
        }
        return r.stdoutText
    }

    /// psql's message without the `psql:<stdin>:N:` prefixes (lines of SQL the user never wrote),
    /// plus what to do for the usual connection mistakes.
    private func explain(_ stderr: String) -> String {
        let lines = stderr.split(separator: "\n").map { line -> String in
            var s = String(line)
            if s.hasPrefix("psql:<stdin>:"), let r = s.range(of: #"^psql:<stdin>:\d+: "#, options: .regularExpression) {
                s.removeSubrange(r)
            }
            return s.trimmingCharacters(in: .whitespaces)
        }
        var text = lines.filter { !$0.isEmpty }.joined(separator: "\n")
        if text.isEmpty { text = "no message" }
        if text.contains("Peer authentication failed") || text.contains("role \"root\" does not exist") {
            text += "\n(run the task as the database's OS user — become: true, become_user: \(user) — "
                + "or set login_user)"
        } else if text.contains("No such file or directory") && text.contains("socket") {
            text += "\n(is the server running? set login_unix_socket and port to where it listens)"
        }
        return text
    }
}

extension Psql {
    /// Runs a query whose last line of output is one JSON object (`SELECT json_build_object(…)`):
    /// names, comments and passwords with newlines or `|` in them cannot break the parsing.
    func json(_ sql: String, _ context: ModuleContext) throws -> [String: Any] {
        let out = try run(sql, context)
        let line = out.split(separator: "\n").last.map(String.init) ?? ""
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ModuleError("\(module) on \(context.host): unexpected answer from psql: \(out.prefix(200))")
        }
        return object
    }
}
