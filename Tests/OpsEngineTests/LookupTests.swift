import Foundation
import Jinja
import OpsCore
import XCTest

@testable import OpsEngine

/// `lookup()`/`query()` and the control-node filters and tests, against ansible-core's own Templar
/// rendering the same strings over the same files (ansible_reference.py, shared with JinjaTests).
final class LookupTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "opsctl-lookups-\(getpid())-\(UUID().uuidString.prefix(8))"
        let files: [String: String] = [
            "files/motd.txt": "  Welcome to {{ inventory_hostname }}\n\n",
            "files/conf.d/a.conf": "a=1\n",
            "files/conf.d/b.conf": "b=2\n",
            "files/conf.d/notes.txt": "n\n",
            "files/vars/Debian.yml": "pkg: apt\n",
            "files/vars/default.yml": "pkg: none\n",
            "top.txt": "top level\n",
            "templates/app.conf.j2": "port={{ port }}\n{% for u in users %}user {{ u }}\n{% endfor %}\\n stays\n",
            "files/app.ini": """
                # comment
                ; another
                [DEFAULT]
                base = /srv
                [db]
                User = alice
                path = %(base)s/db
                multi = line1
                   line2

                   line3
                pct = 100%%
                empty =
                colon: yes: really
                [app]
                port: 8080
                Mixed = Case
                """,
            "files/bad.ini": "[a]\nx = %oops\n",
            "files/dup.ini": "[a]\nx = 1\nX = 2\n",
            "files/nosection.ini": "x = 1\n",
            "files/app.properties": "db.user=bob\ndb.port = 5432\n",
            "files/users.csv": "alice\t1001\t\"Alice, A.\"\nbob\t1002\t\"says \"\"hi\"\"\"\n",
            "files/hosts.csv": "web1,10.0.0.1,nginx\ndb1,10.0.0.2,\"postgres, primary\"\n",
        ]
        for (path, text) in files {
            let full = dir + "/" + path
            try FileManager.default.createDirectory(
                atPath: directoryOf(full), withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(
            atPath: dir + "/files/conf.d/sub.conf", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    static let cases: [(String, String)] = [
        (
            "file",
            "{{ lookup('file', 'motd.txt') }}|{{ lookup('file', 'motd.txt', rstrip=False) }}|"
                + "{{ lookup('file', 'motd.txt', lstrip=True) }}"
        ),
        ("file_top_level", "{{ lookup('file', 'top.txt') }}"),
        ("file_two", "{{ lookup('file', 'conf.d/a.conf', 'conf.d/b.conf') }} {{ query('file', 'top.txt') }}"),
        ("file_missing", "{{ lookup('file', 'nope.txt') }}"),
        (
            "file_missing_ignored",
            "[{{ lookup('file', 'nope.txt', errors='ignore') }}] "
                + "{{ query('file', 'nope.txt', errors='ignore') }} {{ lookup('file', 'nope.txt', errors='warn') }}"
        ),
        ("file_absolute", "{{ lookup('file', playbook_dir ~ '/top.txt') }}"),
        (
            "env",
            "{{ lookup('env', 'HOME') }} [{{ lookup('env', 'OPSCTL_SURELY_UNSET') }}] "
                + "{{ lookup('env', 'OPSCTL_SURELY_UNSET', default='fallback') }}"
        ),
        ("vars", "{{ lookup('vars', 'port') }} {{ lookup('vars', 'users') }} {{ lookup('vars', 'nope', default=0) }}"),
        ("vars_missing", "{{ lookup('vars', 'nope') }}"),
        ("template", "{{ lookup('template', 'app.conf.j2') }}"),
        ("template_vars", "{{ lookup('template', 'app.conf.j2', template_vars={'port': 9}) }}"),
        ("pipe", "{{ lookup('pipe', 'echo hello; echo') }}|{{ lookup('pipe', 'ls templates') }}"),
        ("pipe_fails", "{{ lookup('pipe', 'exit 3') }}"),
        ("lines", "{{ query('lines', 'printf \"a\\nb\\n\"') }} {{ lookup('lines', 'printf \"x\\ny\"') }}"),
        (
            "fileglob",
            "{{ query('fileglob', 'conf.d/*.conf') | map('basename') | sort }} "
                + "{{ lookup('fileglob', 'conf.d/*.none') }} {{ query('fileglob', '*.txt') | map('basename') | sort }}"
        ),
        (
            "first_found",
            "{{ lookup('first_found', ['files/vars/RedHat.yml', 'files/vars/Debian.yml']) | basename }} "
                + "{{ lookup('first_found', {'files': ['Fedora.yml', 'default.yml'], 'paths': ['files/vars']})"
                + " | basename }} "
                + "{{ lookup('first_found', 'top.txt') == playbook_dir ~ '/top.txt' }} "
                + "{{ query('first_found', 'vars/nope.yml', skip=True) }}"
        ),
        ("first_found_none", "{{ lookup('first_found', ['a.yml', 'b.yml']) }}"),
        ("first_found_not_in_files", "{{ lookup('first_found', 'vars/Debian.yml') }}"),
        ("items_list", "{{ query('items', [1, [2, 3]], 4) }} {{ query('list', [1, [2]]) }} {{ lookup('items', 'x') }}"),
        ("dict", "{{ query('dict', {'a': 1, 'b': {'c': 2}}) }}"),
        ("indexed_items", "{{ query('indexed_items', ['a', 'b']) | map('list') | list }}"),
        ("nested", "{{ query('nested', ['a', 'b'], [1, 2]) }}"),
        ("together", "{{ query('together', ['a', 'b', 'c'], [1, 2]) }}"),
        ("subelements", "{{ query('subelements', users_full, 'keys') | map('list') | list }}"),
        (
            "lookup_single_and_join",
            "{{ lookup('items', ['a', 'b']) }} {{ lookup('items', ['a']) }} "
                + "{{ lookup('items', [1, 2]) }} {{ lookup('items', ['a', 'b'], wantlist=True) }}"
        ),
        ("unknown_lookup", "{{ lookup('fiel', 'x') }}"),
        (
            "file_tests",
            "{{ playbook_dir is directory }} {{ (playbook_dir ~ '/top.txt') is file }} "
                + "{{ (playbook_dir ~ '/top.txt') is exists }} {{ (playbook_dir ~ '/nope') is exists }} "
                + "{{ playbook_dir is is_dir }} {{ '/' is mount }} {{ playbook_dir is mount }} "
                + "{{ (playbook_dir ~ '/top.txt') is link }} "
                + "{{ (playbook_dir ~ '/top.txt') is same_file(playbook_dir ~ '/./top.txt') }}"
        ),
        (
            "path_filters",
            "{{ '~' | expanduser }} {{ '~/x' | expanduser }} {{ (playbook_dir ~ '/files/../top.txt') | realpath }} "
                + "{{ '$HOME/a ${HOME}/b $OPSCTL_SURELY_UNSET' | expandvars }} {{ '/a/b/c' | relpath('/a/d') }}"
        ),
        (
            "strftime",
            "{{ '%Y-%m-%d %H:%M:%S %a %j %%' | strftime(1700000000) }} "
                + "{{ '%Y-%m-%dT%H:%M:%SZ' | strftime(1700000000.7, utc=True) }} "
                + "{{ '%s' | strftime('86400', utc=true) }}"
        ),
        ("strftime_bad", "{{ '%Y' | strftime('soon') }}"),
        (
            "ini",
            "{{ lookup('ini', 'user section=db file=app.ini') }}|{{ lookup('ini', 'path section=db file=app.ini') }}|"
                + "{{ lookup('ini', 'multi section=db file=app.ini') }}|{{ lookup('ini', 'pct section=db file=app.ini') }}|"
                + "{{ lookup('ini', 'port', section='app', file='app.ini') }}|"
                + "[{{ lookup('ini', 'empty section=db file=app.ini') }}]|{{ lookup('ini', 'colon section=db file=app.ini') }}|"
                + "{{ lookup('ini', 'nope section=app file=app.ini default=dflt') }}|"
                + "[{{ lookup('ini', 'nope section=app file=app.ini') }}]|{{ lookup('ini', 'base section=app file=app.ini') }}"
        ),
        (
            "ini_regex_and_case",
            "{{ query('ini', '.*a.* section=db file=app.ini re=true') }} "
                + "{{ lookup('ini', 'Mixed section=app file=app.ini case_sensitive=true') }} "
                + "{{ lookup('ini', 'mixed section=app file=app.ini') }}"
        ),
        ("ini_properties", "{{ lookup('ini', 'db.user type=properties file=app.properties') }} "
            + "{{ lookup('ini', 'db.port', type='properties', file='app.properties') }}"),
        ("ini_default_section", "{{ lookup('ini', 'base section=DEFAULT file=app.ini') }}"),
        ("ini_missing_section", "{{ lookup('ini', 'x section=none file=app.ini') }}"),
        ("ini_bad_interpolation", "{{ lookup('ini', 'x section=a file=bad.ini') }}"),
        ("ini_duplicate_option", "{{ lookup('ini', 'x section=a file=dup.ini') }}"),
        ("ini_no_section_header", "{{ lookup('ini', 'x section=a file=nosection.ini') }}"),
        ("ini_bad_boolean", "{{ lookup('ini', 'user section=db file=app.ini re=maybe') }}"),
        ("ini_missing_file", "{{ lookup('ini', 'x section=a file=nope.ini') }}"),
        (
            "csvfile",
            "{{ lookup('csvfile', 'alice file=users.csv') }}|{{ lookup('csvfile', 'alice file=users.csv col=2') }}|"
                + "{{ lookup('csvfile', 'bob file=users.csv col=2') }}|"
                + "{{ lookup('csvfile', 'db1 file=hosts.csv delimiter=, col=2') }}|"
                + "{{ lookup('csvfile', 'nobody file=users.csv default=none-such') }}"
        ),
        ("fileglob_filter", "{{ (playbook_dir ~ '/files/conf.d/*.conf') | fileglob | map('basename') | sort }}"),
    ]

    func testLookupsMatchAnsibleCore() throws {
        let python = try Self.ansiblePython()
        let vars: [String: Any] = [
            "port": 8080, "users": ["ann", "bob"], "inventory_hostname": "web1",
            "users_full": [["name": "ann", "keys": ["k1", "k2"]], ["name": "bob", "keys": ["k3"]]],
        ]
        let casesPath = dir + "/cases.json"
        let varsPath = dir + "/vars.json"
        let list = Self.cases.map { ["name": $0.0, "template": $0.1] }
        try JSONSerialization.data(withJSONObject: list).write(to: URL(fileURLWithPath: casesPath))
        try JSONSerialization.data(withJSONObject: vars).write(to: URL(fileURLWithPath: varsPath))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("JinjaTests/Corpus/ansible/ansible_reference.py").path
        let (status, out) = runShell(
            "cd '\(dir)' && '\(python)' '\(script)' cases.json --basedir '\(dir)' --vars vars.json", trimmed: false)
        XCTAssertEqual(status, 0, out)
        let expected = try JSONDecoder().decode(
            [String: [String: String]].self, from: Data(out.utf8))
        XCTAssertEqual(expected.count, Self.cases.count)

        let templar = Templar(environment: Jinja.Environment())
        var scope = try Value(yaml: String(contentsOfFile: varsPath, encoding: .utf8)).dictValue ?? [:]
        scope["playbook_dir"] = .string(dir)
        var mismatches: [String] = []
        for (name, source) in Self.cases {
            let want = expected[name] ?? [:]
            let got = Result { try templar.template(.string(source), scope).pythonString() }
            switch (want["output"], got) {
            case (let w?, .success(let g)) where w != g:
                mismatches.append("\(name):\n  ansible: \(w.debugDescription)\n  opsctl:  \(g.debugDescription)")
            case (nil, .success(let g)):
                mismatches.append("\(name): Ansible failed (\(want["error"] ?? "")) but we gave \(g.debugDescription)")
            case (_?, .failure(let e)):
                mismatches.append("\(name): Ansible gave \(want["output"]!.debugDescription) but we failed: \(e)")
            default:
                break
            }
        }
        XCTAssert(
            mismatches.isEmpty, "\(mismatches.count) differ from ansible-core:\n" + mismatches.joined(separator: "\n"))
    }

    /// `password`: a new password is written once (0600, in a 0700 directory) and read back after;
    /// `chars` and `length` shape it; `/dev/null` keeps nothing; `encrypt` keeps the salt beside it.
    func testPasswordLookupGeneratesOnceAndKeepsIt() throws {
        let templar = Templar(environment: Jinja.Environment())
        let scope: ValueDict = ["playbook_dir": .string(dir)]
        let file = dir + "/credentials/db/password"
        let first = try templar.template(
            .string("{{ lookup('password', '\(file) chars=digits length=30') }}"), scope).pythonString()
        XCTAssertEqual(first.count, 30)
        XCTAssertTrue(first.allSatisfy(\.isNumber), first)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), first + "\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let parent = try FileManager.default.attributesOfItem(atPath: dir + "/credentials/db")
        XCTAssertEqual((parent[.posixPermissions] as? NSNumber)?.intValue, 0o700)
        // Read back, whatever the options now say.
        let again = try templar.template(.string("{{ lookup('password', '\(file)', length=5) }}"), scope).pythonString()
        XCTAssertEqual(again, first)

        let fresh = try templar.template(.string("{{ lookup('password', '/dev/null') }}"), scope).pythonString()
        let other = try templar.template(.string("{{ lookup('password', '/dev/null') }}"), scope).pythonString()
        XCTAssertEqual(fresh.count, 20)
        XCTAssertNotEqual(fresh, other)
        XCTAssertTrue(fresh.allSatisfy { $0.isLetter || $0.isNumber || ".,:-_".contains($0) }, fresh)
        let literal = try templar.template(
            .string("{{ lookup('password', '/dev/null chars=ascii_lowercase,,, length=40') }}"), scope).pythonString()
        XCTAssertTrue(literal.allSatisfy { $0.isLowercase || $0 == "," }, literal)

        let hashedFile = dir + "/credentials/hashed"
        let hash = try templar.template(
            .string("{{ lookup('password', '\(hashedFile) encrypt=sha512_crypt') }}"), scope).pythonString()
        let stored = try String(contentsOfFile: hashedFile, encoding: .utf8)
        let parts = stored.dropLast().components(separatedBy: " salt=")
        XCTAssertEqual(parts.count, 2, stored)
        XCTAssertTrue(hash.hasPrefix("$6$rounds=656000$" + parts[1] + "$"), hash)
        XCTAssertEqual(
            try templar.template(.string("{{ lookup('password', '\(hashedFile) encrypt=sha512_crypt') }}"), scope)
                .pythonString(), hash, "the kept salt gives the same hash again")
        // What passlib computes for that password and salt.
        let python = try Self.ansiblePython()
        let (status, reference) = runShell(
            "'\(python)' -c 'import sys; from passlib.hash import sha512_crypt; "
                + "print(sha512_crypt.using(rounds=656000, salt=sys.argv[2]).hash(sys.argv[1]))' '\(parts[0])' '\(parts[1])'", trimmed: true)
        XCTAssertEqual(status, 0, reference)
        XCTAssertEqual(reference, hash)

        for (bad, message) in [
            ("/dev/null length=0", "length must be a positive integer, got '0'"), ("/dev/null encrypt=md5_crypt", "not supported"),
            ("/dev/null lenght=3", "did you mean 'length'?"), ("", "no file name"),
        ] {
            XCTAssertThrowsError(try templar.template(.string("{{ lookup('password', '\(bad)') }}"), scope), bad) {
                XCTAssertTrue("\($0)".contains(message), "\($0)")
            }
        }
    }

    /// A failing lookup names itself, the reason, and the playbook place of the expression.
    func testLookupErrorsNameTheLookupAndThePlace() throws {
        let templar = Templar(environment: Jinja.Environment())
        let scope: ValueDict = ["playbook_dir": .string(dir)]
        let at = SourceLocation(file: "site.yml", line: 12, column: 9)
        XCTAssertThrowsError(try templar.template("{{ lookup('file', 'nope.txt') }}", scope, at: at)) { error in
            let text = "\(error)"
            XCTAssert(text.hasPrefix("site.yml:12:9: "), text)
            XCTAssert(text.contains("lookup('file'): could not locate file \"nope.txt\""), text)
            XCTAssert(text.contains(dir + "/files/nope.txt"), text)
        }
        XCTAssertThrowsError(try templar.template("{{ lookup('fiel', 'x') }}", scope, at: at)) { error in
            XCTAssert("\(error)".contains("did you mean 'file'?"), "\(error)")
        }
        XCTAssertThrowsError(try templar.template("{{ lookup('pipe', 'exit 3') }}", scope, at: at)) { error in
            XCTAssert("\(error)".contains("`exit 3` exited with status 3"), "\(error)")
        }
        XCTAssertThrowsError(try templar.template("{{ lookup('file', 'x', errors='loud') }}", scope, at: at)) { error in
            XCTAssert("\(error)".contains("errors must be strict, warn or ignore"), "\(error)")
        }
        XCTAssertThrowsError(try templar.template("{{ lookup() }}", scope, at: at))
        XCTAssertThrowsError(try templar.template("{{ lookup('csvfile', 'a file=x.csv col=two') }}", scope, at: at)) {
            XCTAssert("\($0)".contains("csvfile: col must be a column number, got 'two'"), "\($0)")
        }
    }

    /// A role task looks in its role's files/ first, then beside its own file, as Ansible's search path does.
    func testSearchPathPrefersTheRole() throws {
        try FileManager.default.createDirectory(atPath: dir + "/roles/web/files", withIntermediateDirectories: true)
        try "from role\n".write(toFile: dir + "/roles/web/files/top.txt", atomically: true, encoding: .utf8)
        let templar = Templar(environment: Jinja.Environment())
        var scope: ValueDict = ["playbook_dir": .string(dir)]
        scope["ansible_search_path"] = [.string(dir + "/roles/web"), .string(dir + "/roles/web/tasks")]
        XCTAssertEqual(try templar.template("{{ lookup('file', 'top.txt') }}", scope), "from role")
        XCTAssertEqual(
            try templar.template("{{ lookup('file', 'motd.txt') }}", scope), "  Welcome to {{ inventory_hostname }}")
    }

    /// Playbook strings keep backslashes in `{{ }}` literals (Ansible's escape_backslashes); template files do not.
    func testPlaybookStringsKeepBackslashes() throws {
        let templar = Templar(environment: Jinja.Environment())
        XCTAssertEqual(
            try templar.template("{{ 'web-01' | regex_replace('^web-(\\d+)$', 'app\\1') }}", ValueDict()), "app01")
        XCTAssertEqual(try templar.template("{{ 'a\\tb' }}", ValueDict()), "a\\tb")
        let file = try templar.environment.template(source: "{{ 'a\\tb' }}").render(ValueDict())
        XCTAssertEqual(file, "a\tb")
    }

    static func ansiblePython() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for python in ["python3", root.appendingPathComponent(".venv/bin/python3").path] {
            if runShell("'\(python)' -c 'import ansible.template' 2>/dev/null", trimmed: true).0 == 0 { return python }
        }
        let message = "python3 with ansible-core is required (.ci/deps installs it into .venv)"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail(message)
            throw XCTSkip("failed: " + message)
        }
        throw XCTSkip(message)
    }
}
