import Foundation
import Jinja
@testable import OpsEngine
import XCTest

/// postgresql_user and postgresql_db against a real PostgreSQL server, through the engine and the
/// local connection, as a playbook runs them on a db host: `become_user: postgres`, psql over the
/// Unix socket with peer authentication.
final class PostgresModuleTests: XCTestCase {
    nonisolated(unsafe) static var cluster: PostgresTestCluster?
    nonisolated(unsafe) static var startError: Error?

    override class func setUp() {
        super.setUp()
        do { cluster = try PostgresTestCluster.start() } catch { startError = error }
    }

    override class func tearDown() {
        cluster?.stop()
        cluster = nil
        super.tearDown()
    }

    var pg: PostgresTestCluster!

    override func setUpWithError() throws {
        if let e = Self.startError { throw e }
        pg = try XCTUnwrap(Self.cluster)
    }

    /// One task as the postgres OS user, with the test server's socket and port.
    func task(_ name: String, _ module: String, _ args: String, become: Bool = true) -> String {
        var t = "- name: \(name)\n"
        if become { t += "  become: true\n  become_user: postgres\n" }
        t += "  \(module): {\(args), login_unix_socket: \(pg.directory), port: \(pg.port)}\n"
        return t
    }

    func text(_ value: Value?) -> String { value.map { (try? $0.pythonRepr()) ?? "\($0)" } ?? "" }

    func queries(_ o: TaskOutcome, _ key: String = "queries") -> [String] {
        (o.value(key)?.listValue ?? []).compactMap(\.stringValue)
    }

    func testUserCreatePasswordFlagsIdempotenceAndRemoval() throws {
        let s = try Scratch()
        let password = "s3cret pass'with \"quotes\" \\ and ünïcode"
        let create = task(
            "u", "postgresql_user",
            "name: alice, password: '\(password.replacingOccurrences(of: "'", with: "''"))', "
                + "role_attr_flags: 'LOGIN,NOSUPERUSER,createdb', conn_limit: 5, comment: App role")

        let check = try s.run(create, check: true)
        XCTAssertEqual(check.task("u").status, .changed, "\(check.failures)")
        XCTAssertEqual(try pg.sql("SELECT count(*) FROM pg_roles WHERE rolname = 'alice'"), "0")

        let first = try s.run(create)
        let u = first.task("u")
        XCTAssertEqual(u.status, .changed, "\(first.failures)")
        XCTAssertEqual(u.string("user"), "alice")
        XCTAssertEqual(
            queries(u),
            [
                "CREATE USER \"alice\" WITH ENCRYPTED PASSWORD '********' CONNECTION LIMIT 5 "
                    + "LOGIN NOSUPERUSER CREATEDB",
                "COMMENT ON ROLE \"alice\" IS 'App role'",
            ])
        XCTAssertEqual(
            try pg.sql("SELECT rolcanlogin, rolsuper, rolcreatedb, rolconnlimit FROM pg_roles WHERE rolname = 'alice'"),
            "t|f|t|5")
        XCTAssertEqual(try pg.sql("SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = 'alice'"),
            "App role")
        let stored = try pg.sql("SELECT rolpassword FROM pg_authid WHERE rolname = 'alice'")
        XCTAssertTrue(stored.hasPrefix("SCRAM-SHA-256$4096:"), stored)
        XCTAssertTrue(pg.canLogin("alice", password: password), "the password the module set does not log in")
        XCTAssertFalse(pg.canLogin("alice", password: "wrong"))
        // The plaintext never reaches the server (its statement log) nor the task's result.
        XCTAssertFalse(pg.serverLog.contains("s3cret"), "the plaintext password is in the server log")
        XCTAssertFalse(text(u.result.registered).contains("s3cret"))

        let second = try s.run(create)
        XCTAssertEqual(second.task("u").status, .ok, "\(second.failures)")
        XCTAssertEqual(queries(second.task("u")), [])

        // A new password: changed in check mode without touching the role, then for real.
        let change = task("u", "postgresql_user", "name: alice, password: n3w-secret, role_attr_flags: LOGIN")
        let checkChange = try s.run(change, check: true)
        XCTAssertEqual(checkChange.task("u").status, .changed)
        XCTAssertTrue(pg.canLogin("alice", password: password))
        let changed = try s.run(change)
        XCTAssertEqual(changed.task("u").status, .changed, "\(changed.failures)")
        XCTAssertEqual(queries(changed.task("u")), ["ALTER USER \"alice\" WITH ENCRYPTED PASSWORD '********' LOGIN"])
        XCTAssertTrue(pg.canLogin("alice", password: "n3w-secret"))
        XCTAssertFalse(pg.canLogin("alice", password: password))
        XCTAssertEqual(try s.run(change).task("u").status, .ok)

        // Verifiers PostgreSQL computed itself: SCRAM (the default) and md5.
        try pg.sql("ALTER ROLE alice PASSWORD 'server-side'")
        let same = task("u", "postgresql_user", "name: alice, password: server-side")
        XCTAssertEqual(try s.run(same).task("u").status, .ok)
        try pg.sql("SET password_encryption = 'md5'; ALTER ROLE alice PASSWORD 'md5-side'")
        XCTAssertTrue(try pg.sql("SELECT rolpassword FROM pg_authid WHERE rolname = 'alice'").hasPrefix("md5"))
        XCTAssertEqual(try s.run(task("u", "postgresql_user", "name: alice, password: md5-side")).task("u").status, .ok)
        let other = try s.run(task("u", "postgresql_user", "name: alice, password: other"))
        XCTAssertEqual(other.task("u").status, .changed)

        // Flags alone, then no password at all.
        let flags = task("u", "postgresql_user", "name: alice, role_attr_flags: NOCREATEDB")
        let flagged = try s.run(flags)
        XCTAssertEqual(queries(flagged.task("u")), ["ALTER USER \"alice\" WITH NOCREATEDB"])
        XCTAssertEqual(try pg.sql("SELECT rolcreatedb FROM pg_roles WHERE rolname = 'alice'"), "f")
        XCTAssertEqual(try s.run(flags).task("u").status, .ok)
        let noPassword = task("u", "postgresql_user", "name: alice, password: ''")
        XCTAssertEqual(queries(try s.run(noPassword).task("u")), ["ALTER USER \"alice\" WITH PASSWORD NULL"])
        XCTAssertEqual(try pg.sql("SELECT rolpassword IS NULL FROM pg_authid WHERE rolname = 'alice'"), "t")
        XCTAssertEqual(try s.run(noPassword).task("u").status, .ok)

        let absent = task("u", "postgresql_user", "name: alice, state: absent")
        let checkAbsent = try s.run(absent, check: true)
        XCTAssertEqual(checkAbsent.task("u").status, .changed)
        XCTAssertEqual(try pg.sql("SELECT count(*) FROM pg_roles WHERE rolname = 'alice'"), "1")
        let removed = try s.run(absent)
        XCTAssertEqual(removed.task("u").status, .changed, "\(removed.failures)")
        XCTAssertEqual(removed.task("u").value("user_removed")?.boolValue, true)
        XCTAssertEqual(queries(removed.task("u")), ["DROP USER \"alice\""])
        XCTAssertEqual(try pg.sql("SELECT count(*) FROM pg_roles WHERE rolname = 'alice'"), "0")
        XCTAssertEqual(try s.run(absent).task("u").status, .ok)
    }

    func testUserNamesExpiryAndFullyQualifiedName() throws {
        let s = try Scratch()
        let odd = task(
            "u", "community.postgresql.postgresql_user",
            "name: \"we'ird \\\"user\\\"\", role_attr_flags: NOLOGIN, expires: '2031-01-01 00:00:00+00'")
        let first = try s.run(odd)
        XCTAssertEqual(first.task("u").status, .changed, "\(first.failures)")
        XCTAssertEqual(
            queries(first.task("u")),
            ["CREATE USER \"we'ird \"\"user\"\"\" VALID UNTIL '2031-01-01 00:00:00+00' NOLOGIN"])
        XCTAssertEqual(try pg.sql("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'we''ird \"user\"'"), "f")
        XCTAssertEqual(try s.run(odd).task("u").status, .ok)
        // A backslash makes an E'' literal.
        let backslash = task("u", "postgresql_user", #"name: "we'ird \"user\"", comment: 'C:\temp ''x'''"#)
        let commented = try s.run(backslash)
        XCTAssertEqual(queries(commented.task("u")), [#"COMMENT ON ROLE "we'ird ""user""" IS E'C:\\temp ''x'''"#])
        XCTAssertEqual(
            try pg.sql("SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname LIKE 'we%'"),
            #"C:\temp 'x'"#)
        XCTAssertEqual(try s.run(backslash).task("u").status, .ok)
        let later = task("u", "postgresql_user", "name: \"we'ird \\\"user\\\"\", expires: infinity")
        XCTAssertEqual(try s.run(later).task("u").status, .changed)
        XCTAssertEqual(try s.run(later).task("u").status, .ok)
        let gone = try s.run(task("u", "postgresql_user", "name: \"we'ird \\\"user\\\"\", state: absent"))
        XCTAssertEqual(gone.task("u").status, .changed)
        XCTAssertEqual(try pg.sql("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'we%'"), "0")
    }

    func testUserBadInput() throws {
        let s = try Scratch()
        let typo = try s.run(task("u", "postgresql_user", "name: bob, role_attr_flags: 'LOGIN,SUPERUSR'"))
        XCTAssertEqual(typo.task("u").status, .failed)
        let msg = typo.task("u").result.msg ?? ""
        XCTAssertTrue(msg.contains("Invalid role_attr_flags specified: SUPERUSR"), msg)
        XCTAssertTrue(msg.contains("did you mean SUPERUSER?"), msg)
        XCTAssertEqual(try pg.sql("SELECT count(*) FROM pg_roles WHERE rolname = 'bob'"), "0")
        let conflict = try s.run(task("u", "postgresql_user", "name: bob, role_attr_flags: 'LOGIN,NOLOGIN'"))
        XCTAssertTrue(conflict.task("u").result.msg?.contains("both LOGIN and NOLOGIN") ?? false)
        let long = try s.run(task("u", "postgresql_user", "name: \(String(repeating: "x", count: 64))"))
        XCTAssertTrue(long.task("u").result.msg?.contains("63 bytes") ?? false, "\(long.failures)")
        let nul = try s.run(task("u", "postgresql_user", #"name: "bo\0b""#))
        XCTAssertTrue(nul.task("u").result.msg?.contains("NUL byte") ?? false, "\(nul.failures)")
        let plain = try s.run(task("u", "postgresql_user", "name: bob, password: x, encrypted: false"))
        XCTAssertTrue(plain.task("u").result.msg?.contains("encrypted=false is not supported") ?? false)
        let port = try s.run(
            task("u", "postgresql_user", "name: bob").replacingOccurrences(of: "port: \(pg.port)", with: "port: 70000"))
        XCTAssertTrue(port.task("u").result.msg?.contains("70000 is not a TCP port") ?? false, "\(port.failures)")
        let badDate = try s.run(task("u", "postgresql_user", "name: bob, expires: someday"))
        XCTAssertEqual(badDate.task("u").status, .failed)
        XCTAssertTrue(badDate.task("u").result.msg?.contains("invalid input syntax") ?? false, "\(badDate.failures)")
        XCTAssertTrue(badDate.task("u").result.msg?.contains("on local") ?? false, "\(badDate.failures)")

        XCTAssertTrue(s.loadError(task("u", "postgresql_user", "password: x")).contains("needs the argument \"name\""))
        let state = s.loadError(task("u", "postgresql_user", "name: bob, state: gone"))
        XCTAssertTrue(state.contains("state must be one of absent, present"), state)
        let priv = s.loadError(task("u", "postgresql_user", "name: bob, priv: ALL"))
        XCTAssertTrue(priv.contains("has no argument \"priv\""), priv)

        // Without become, root is not the postgres role's OS user: peer authentication says no.
        let peer = try s.run(task("u", "postgresql_user", "name: bob", become: false))
        let peerMsg = peer.task("u").result.msg ?? ""
        XCTAssertTrue(peerMsg.contains("Peer authentication failed"), peerMsg)
        XCTAssertTrue(peerMsg.contains("become_user"), peerMsg)
    }

    func testDatabaseCreateOwnerEncodingAndRemoval() throws {
        let s = try Scratch()
        _ = try s.run(task("owner", "postgresql_user", "name: appowner, role_attr_flags: NOLOGIN"))
        let create = task(
            "db", "postgresql_db",
            "name: appdb, owner: appowner, encoding: UTF8, lc_collate: C, lc_ctype: C, template: template0")
        let check = try s.run(create, check: true)
        XCTAssertEqual(check.task("db").status, .changed, "\(check.failures)")
        XCTAssertEqual(try pg.sql("SELECT count(*) FROM pg_database WHERE datname = 'appdb'"), "0")

        let first = try s.run(create)
        let d = first.task("db")
        XCTAssertEqual(d.status, .changed, "\(first.failures)")
        XCTAssertEqual(d.string("db"), "appdb")
        XCTAssertEqual(
            queries(d, "executed_commands"),
            [
                "CREATE DATABASE \"appdb\" OWNER \"appowner\" TEMPLATE \"template0\" ENCODING 'UTF8' "
                    + "LC_COLLATE 'C' LC_CTYPE 'C'"
            ])
        XCTAssertEqual(
            try pg.sql(
                "SELECT pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate, datctype "
                    + "FROM pg_database WHERE datname = 'appdb'"),
            "appowner|UTF8|C|C")
        let second = try s.run(create)
        XCTAssertEqual(second.task("db").status, .ok, "\(second.failures)")
        XCTAssertEqual(queries(second.task("db"), "executed_commands"), [])
        XCTAssertEqual(try s.run(task("db", "postgresql_db", "db: appdb, encoding: utf8")).task("db").status, .ok)

        let owner = task("db", "community.postgresql.postgresql_db", "name: appdb, owner: postgres, comment: Main db")
        let moved = try s.run(owner)
        XCTAssertEqual(moved.task("db").status, .changed, "\(moved.failures)")
        XCTAssertEqual(
            queries(moved.task("db"), "executed_commands"),
            ["ALTER DATABASE \"appdb\" OWNER TO \"postgres\"", "COMMENT ON DATABASE \"appdb\" IS 'Main db'"])
        XCTAssertEqual(
            try pg.sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'appdb'"), "postgres")
        XCTAssertEqual(try s.run(owner).task("db").status, .ok)

        let collate = try s.run(task("db", "postgresql_db", "name: appdb, lc_collate: C.UTF-8"))
        XCTAssertEqual(collate.task("db").status, .failed)
        XCTAssertEqual(collate.task("db").result.msg, "Changing LC_COLLATE is not supported. Current LC_COLLATE: C")
        let encoding = try s.run(task("db", "postgresql_db", "name: appdb, encoding: SQL_ASCII"))
        XCTAssertEqual(
            encoding.task("db").result.msg, "Changing database encoding is not supported. Current encoding: UTF8")
        let ctype = try s.run(task("db", "postgresql_db", "name: appdb, lc_ctype: C.UTF-8"))
        XCTAssertEqual(ctype.task("db").result.msg, "Changing LC_CTYPE is not supported.Current LC_CTYPE: C")
        let dump = s.loadError(task("db", "postgresql_db", "name: appdb, state: dump"))
        XCTAssertTrue(dump.contains("state must be one of absent, present"), dump)
        XCTAssertTrue(s.loadError(task("db", "postgresql_db", "owner: x")).contains("needs the argument \"name\""))

        // A role that owns something cannot be dropped: a failure, or with fail_on_user: no, ok.
        try pg.sql("ALTER DATABASE appdb OWNER TO appowner")
        let busy = try s.run(task("owner", "postgresql_user", "name: appowner, state: absent"))
        let busyMsg = busy.task("owner").result.msg ?? ""
        XCTAssertTrue(busyMsg.hasPrefix("Unable to remove user \"appowner\""), busyMsg)
        XCTAssertTrue(busyMsg.contains("cannot be dropped because some objects depend on it"), busyMsg)
        let tolerated = try s.run(task("owner", "postgresql_user", "name: appowner, state: absent, fail_on_user: no"))
        XCTAssertEqual(tolerated.task("owner").status, .ok, "\(tolerated.failures)")
        XCTAssertEqual(tolerated.task("owner").value("user_removed")?.boolValue, false)
        XCTAssertEqual(try pg.sql("SELECT count(*) FROM pg_roles WHERE rolname = 'appowner'"), "1")

        let absent = task("db", "postgresql_db", "name: appdb, state: absent")
        XCTAssertEqual(try s.run(absent, check: true).task("db").status, .changed)
        XCTAssertEqual(try pg.sql("SELECT count(*) FROM pg_database WHERE datname = 'appdb'"), "1")
        let dropped = try s.run(absent)
        XCTAssertEqual(dropped.task("db").status, .changed, "\(dropped.failures)")
        XCTAssertEqual(queries(dropped.task("db"), "executed_commands"), ["DROP DATABASE \"appdb\""])
        XCTAssertEqual(try pg.sql("SELECT count(*) FROM pg_database WHERE datname = 'appdb'"), "0")
        XCTAssertEqual(try s.run(absent).task("db").status, .ok)
        _ = try s.run(task("owner", "postgresql_user", "name: appowner, state: absent"))
    }

    func testMD5PasswordEncryption() throws {
        // A server still set to md5 gets md5 verifiers, computed here as PostgreSQL would.
        try pg.sql("ALTER SYSTEM SET password_encryption = 'md5'")
        try pg.sql("SELECT pg_reload_conf()")
        defer {
            _ = try? pg.sql("ALTER SYSTEM RESET password_encryption")
            _ = try? pg.sql("SELECT pg_reload_conf()")
            _ = try? pg.sql("DROP ROLE IF EXISTS md5user")
        }
        let s = try Scratch()
        let create = task("u", "postgresql_user", "name: md5user, password: pw-md5")
        XCTAssertEqual(try s.run(create).task("u").status, .changed)
        XCTAssertEqual(
            try pg.sql("SELECT rolpassword = 'md5' || md5('pw-md5' || 'md5user') FROM pg_authid WHERE rolname = 'md5user'"),
            "t")
        XCTAssertEqual(try s.run(create).task("u").status, .ok)
    }

    func testScramVerifierMatchesPostgres() throws {
        // The server's own verifier for a password, recomputed here from its salt and iteration count.
        try pg.sql("CREATE ROLE scram_probe PASSWORD 'pencil'")
        defer { _ = try? pg.sql("DROP ROLE scram_probe") }
        let stored = try pg.sql("SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_probe'")
        let verifier = try XCTUnwrap(ScramVerifier(parsing: stored))
        XCTAssertEqual(verifier.iterations, 4096)
        XCTAssertTrue(verifier.matches(password: "pencil"))
        XCTAssertFalse(verifier.matches(password: "pencil "))
        XCTAssertTrue(PostgresPassword.matches(stored: stored, candidate: "pencil", user: "scram_probe"))
        XCTAssertTrue(PostgresPassword.matches(stored: stored, candidate: stored, user: "scram_probe"))
        XCTAssertEqual(PostgresPassword.md5("pencil", user: "scram_probe"),
            try pg.sql("SET password_encryption = 'md5'; ALTER ROLE scram_probe PASSWORD 'pencil'; "
                + "SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_probe'"))
    }
}
