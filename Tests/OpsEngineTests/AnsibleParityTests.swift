import Foundation
import Jinja
import Logging
import OpsTransport
@testable import OpsEngine
import XCTest

/// The same tasks run by ansible-playbook and by opsctl, each on its own copy of the same files:
/// the files must end up byte for byte the same, and `changed`, `msg` and `found` must agree,
/// on the first run and on the second. ansible-core comes from the project's Python packages.
final class AnsibleParityTests: XCTestCase {
    struct Case {
        var module: String
        var files: [String: String] = [:]
    }

    let cases: [Case] = [
        Case(module: #"lineinfile: {path: "{{ dir }}/l1", regexp: '^b=', line: 'b=3'}"#,
            files: ["l1": "a=1\nb=1\n# b=0\nb=2\n"]),
        Case(module: #"lineinfile: {path: "{{ dir }}/l2", line: 'c=4', insertafter: '^a=', firstmatch: yes}"#,
            files: ["l2": "a=1\nx\na=2\n"]),
        Case(module: #"lineinfile: {path: "{{ dir }}/l3", line: '# top', insertbefore: BOF}"#,
            files: ["l3": "one\n"]),
        Case(module: #"lineinfile: {path: "{{ dir }}/l4", regexp: '^(?P<k>\w+)\s*=\s*old$',"#
            + #" line: '\g<k> = new', backrefs: yes}"#,
            files: ["l4": "key = old\nother = old2\n"]),
        Case(module: #"lineinfile: {path: "{{ dir }}/l5", regexp: '^#', state: absent}"#,
            files: ["l5": "# a\nkeep\n# b\n"]),
        Case(module: #"lineinfile: {path: "{{ dir }}/l6", line: 'tail'}"#,
            files: ["l6": "no newline at end"]),
        Case(module: #"lineinfile: {path: "{{ dir }}/l7", search_string: 'ListenAddress',"#
            + #" line: 'ListenAddress 0.0.0.0'}"#,
            files: ["l7": "#ListenAddress ::\nPort 22\n"]),
        Case(module: #"lineinfile: {path: "{{ dir }}/l8", line: 'present', insertafter: '^x'}"#,
            files: ["l8": "present\nx\n"]),
        Case(module: #"lineinfile: {path: "{{ dir }}/sub/l9", line: 'new', create: yes}"#),
        Case(module: #"lineinfile: {path: "{{ dir }}/l10", line: 'z', insertbefore: '^nomatch'}"#,
            files: ["l10": "a\n"]),
        Case(module: #"lineinfile: {path: "{{ dir }}/l11", line: 'dup', state: absent}"#,
            files: ["l11": "dup\nx\ndup\n"]),
        Case(module: #"lineinfile: {path: "{{ dir }}/l12", regexp: '^port', line: 'port 1', insertafter: '^\[s\]'}"#,
            files: ["l12": "[s]\nhost h\n[t]\n"]),
        Case(module: #"blockinfile: {path: "{{ dir }}/b1", block: "x=1\ny=2"}"#,
            files: ["b1": "head\nno newline"]),
        Case(module: #"blockinfile: {path: "{{ dir }}/b2", block: "new"}"#,
            files: ["b2": "a\n# BEGIN ANSIBLE MANAGED BLOCK\nold1\nold2\n# END ANSIBLE MANAGED BLOCK\nz\n"]),
        Case(module: #"blockinfile: {path: "{{ dir }}/b3", block: "in", insertafter: '^server'}"#,
            files: ["b3": "server a\nserver b\nend\n"]),
        Case(module: #"blockinfile: {path: "{{ dir }}/b4", block: "first", insertbefore: BOF}"#,
            files: ["b4": "a\n"]),
        Case(module: #"blockinfile: {path: "{{ dir }}/b5", state: absent}"#,
            files: ["b5": "a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nb\n"]),
        Case(module: #"blockinfile: {path: "{{ dir }}/b6", block: "k", marker: "// {mark} opsctl","#
            + #" marker_begin: S, marker_end: E}"#,
            files: ["b6": "a\n"]),
        Case(module: #"blockinfile: {path: "{{ dir }}/b7", block: "a\n\nb\n\n"}"#,
            files: ["b7": "x\n"]),
        Case(module: #"blockinfile: {path: "{{ dir }}/b8", block: "m", prepend_newline: yes,"#
            + #" append_newline: yes, insertbefore: '^z'}"#,
            files: ["b8": "y\nz\n"]),
        Case(module: #"blockinfile: {path: "{{ dir }}/b9", block: "c", create: yes}"#),
        Case(module: #"cron: {name: backup, minute: "5", hour: "*/2", job: /bin/true, user: root,"#
            + #" cron_file: "{{ dir }}/c1"}"#),
        Case(module: #"cron: {name: reboot, special_time: reboot, job: /bin/true, user: root,"#
            + #" cron_file: "{{ dir }}/c2", disabled: yes}"#,
            files: ["c2": "#Ansible: other\n* * * * * root /bin/false\n"]),
        Case(module: #"cron: {name: PATH, env: yes, job: /usr/bin:/bin, user: root, cron_file: "{{ dir }}/c3"}"#,
            files: ["c3": "SHELL=/bin/sh\n#Ansible: j\n1 * * * * root x\n"]),
        Case(module: #"cron: {name: j, state: absent, cron_file: "{{ dir }}/c4"}"#,
            files: ["c4": "SHELL=/bin/sh\n#Ansible: j\n1 * * * * root x\n"]),
        Case(module: #"unarchive: {src: site.tgz, dest: "{{ dir }}/u1", list_files: yes}"#,
            files: ["u1/.keep": ""]),
        Case(module: #"unarchive: {src: site.tgz, dest: "{{ dir }}/u2", extra_opts: [--strip-components=1]}"#,
            files: ["u2/.keep": "", "u2/index.html": "old\n"]),
        Case(module: #"unarchive: {src: site.zip, dest: "{{ dir }}/u3"}"#, files: ["u3/.keep": ""]),
        Case(module: #"fetch: {src: "{{ dir }}/fsrc", dest: "{{ dir }}/fetched/", flat: yes}"#,
            files: ["fsrc": "fetch me\n"]),
        Case(module: #"fetch: {src: "{{ dir }}/nope", dest: "{{ dir }}/fetched", fail_on_missing: no}"#),
        Case(module: #"slurp: {src: "{{ dir }}/ssrc"}"#, files: ["ssrc": "slurp\u{0}me\n"]),
    ]

    func playbook() -> String {
        var text = "- hosts: all\n  gather_facts: false\n  tasks:\n"
        for (i, c) in cases.enumerated() {
            text += "    - name: t\(i)\n      \(c.module)\n      register: r\(i)\n"
        }
        let all = cases.indices.map { "'t\($0)': r\($0)" }.joined(separator: ", ")
        text += "    - name: results\n      copy: {dest: \"{{ out }}\", content: \"{{ {\(all)} | to_json }}\"}\n"
        text += "      check_mode: false\n      diff: false\n"
        return text
    }

    func ansiblePlaybook() throws -> String { try AnsiblePlaybook.path() }

    func results(_ path: String) throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
    }

    func files(in dir: String) -> [String: String] {
        var out: [String: String] = [:]
        let e = FileManager.default.enumerator(atPath: dir)
        while let name = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDir), !isDir.boolValue
            else { continue }
            out[name] = (try? String(contentsOfFile: dir + "/" + name, encoding: .utf8)) ?? "<binary>"
        }
        return out
    }

    /// Runs the playbook with ansible-playbook on `ansible/` and with opsctl on `opsctl/`; returns
    /// each side's registered results.
    func runBoth(
        _ s: Scratch, ansible: String, check: Bool = false, diff: Bool = false,
        vars: (ansible: [String: String], opsctl: [String: String]) = ([:], [:])
    ) throws -> (ansible: [String: [String: Any]], opsctl: [String: [String: Any]]) {
        var flags: [String] = []
        if check { flags.append("--check") }
        if diff { flags.append("--diff") }
        try AnsiblePlaybook.runLocally(
            ansible, s.path("parity.yml"),
            extraVars: ["dir=\(s.path("ansible"))", "out=\(s.path("ansible-results.json"))"]
                + vars.ansible.map { "\($0.key)=\($0.value)" },
            options: flags)

        let session = try PlaybookSession(
            playbookPath: s.path("parity.yml"), inventoryPaths: [s.path("parity-inventory.yml")],
            reader: DiskSourceReader())
        var options = RunOptions()
        options.checkMode = check
        options.diffMode = diff
        options.extraVars = ["dir": .string(s.path("opsctl")), "out": .string(s.path("opsctl-results.json"))]
        for (k, v) in vars.opsctl { options.extraVars[k] = .string(v) }
        let events = ModuleTestEvents()
        let code = try session.run(
            options: options, overrides: ConnectionOverrides(), events: events,
            logger: Logger(label: "opsctl.tests"))
        XCTAssertEqual(code, 0, "\(PlayRun(code: code, outcomes: events.outcomes).failures)")
        return (try results(s.path("ansible-results.json")), try results(s.path("opsctl-results.json")))
    }

    func prepare(_ s: Scratch) throws {
        try s.write("parity.yml", playbook())
        try s.write("parity-inventory.yml", "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n")
        try s.write("src/site/index.html", "<h1>hi</h1>\n")
        try s.write("src/site/css/app.css", "body{}\n")
        try FileManager.default.createDirectory(atPath: s.path("files"), withIntermediateDirectories: true)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-C", s.path("src"), "-czf", s.path("files/site.tgz"), "site"]
        try tar.run()
        tar.waitUntilExit()
        XCTAssertEqual(tar.terminationStatus, 0)
        let zip = Process()
        zip.executableURL = URL(fileURLWithPath: "/bin/sh")
        let py = "import zipfile, sys; z = zipfile.ZipFile(sys.argv[1], \"w\"); "
            + "[z.write(p) for p in (\"site/index.html\", \"site/css/app.css\")]; z.close()"
        zip.arguments = ["-c", "cd '\(s.path("src"))' && python3 -c '\(py)' '\(s.path("files/site.zip"))'"]
        try zip.run()
        zip.waitUntilExit()
        XCTAssertEqual(zip.terminationStatus, 0)
        for side in ["ansible", "opsctl"] {
            for c in cases { for (name, text) in c.files { try s.write("\(side)/\(name)", text) } }
        }
    }

    func testLineinfileBlockinfileCronMatchAnsible() throws {
        let ansible = try ansiblePlaybook()
        let s = try Scratch()
        try prepare(s)
        for round in 1...2 {
            let (a, o) = try runBoth(s, ansible: ansible)
            XCTAssertEqual(a.count, cases.count)
            let changedByAnsible = a.values.filter { $0["changed"] as? Bool == true }.count
            // All but l8 (its line is already there), the missing fetch and slurp change once, then never.
            XCTAssertEqual(changedByAnsible, round == 1 ? cases.count - 3 : 0)
            for (i, c) in cases.enumerated() {
                let ar = a["t\(i)"] ?? [:], or = o["t\(i)"] ?? [:]
                XCTAssertEqual(or["changed"] as? Bool, ar["changed"] as? Bool, "round \(round) changed: \(c.module)")
                XCTAssertEqual(or["msg"] as? String, ar["msg"] as? String, "round \(round) msg: \(c.module)")
                XCTAssertEqual(or["found"] as? Int, ar["found"] as? Int, "round \(round) found: \(c.module)")
                let jobs = (or["jobs"] as? [String]) ?? [], ansibleJobs = (ar["jobs"] as? [String]) ?? []
                XCTAssertEqual(jobs, ansibleJobs, "round \(round) jobs: \(c.module)")
                for key in ["checksum", "md5sum", "remote_checksum", "content", "encoding"] {
                    XCTAssertEqual(or[key] as? String, ar[key] as? String, "round \(round) \(key): \(c.module)")
                }
                let list = Set((or["files"] as? [String]) ?? []), ansibleList = Set((ar["files"] as? [String]) ?? [])
                XCTAssertEqual(list, ansibleList, "round \(round) files: \(c.module)")
            }
            let af = files(in: s.path("ansible")), of = files(in: s.path("opsctl"))
            XCTAssertEqual(Set(af.keys), Set(of.keys), "round \(round): the same files")
            for (name, text) in af {
                XCTAssertEqual(of[name], text, "round \(round): \(name) differs")
            }
        }
    }

    /// --check --diff: the same verdicts and the same before/after text, and no file touched.
    func testCheckAndDiffMatchAnsible() throws {
        let ansible = try ansiblePlaybook()
        let s = try Scratch()
        try prepare(s)
        let before = files(in: s.path("opsctl"))
        let (a, o) = try runBoth(s, ansible: ansible, check: true, diff: true)
        XCTAssertEqual(files(in: s.path("opsctl")), before)
        XCTAssertEqual(files(in: s.path("ansible")), before)
        var compared = 0
        for (i, c) in cases.enumerated() {
            // Ansible skips unarchive (with GNU tar) and fetch in check mode; opsctl answers them
            // (UnarchiveTests, SlurpFetchTests).
            if c.module.hasPrefix("unarchive") || c.module.hasPrefix("fetch") { continue }
            let ar = a["t\(i)"] ?? [:], or = o["t\(i)"] ?? [:]
            XCTAssertEqual(or["changed"] as? Bool, ar["changed"] as? Bool, "check changed: \(c.module)")
            XCTAssertEqual(or["msg"] as? String, ar["msg"] as? String, "check msg: \(c.module)")
            // Ansible registers a list (content, then attributes) or, for cron, one mapping.
            let ansibleDiff = (ar["diff"] as? [[String: Any]])?.first ?? ar["diff"] as? [String: Any]
            guard let ad = ansibleDiff, let after = ad["after"] as? String, ar["changed"] as? Bool == true else {
                continue
            }
            let od = (or["diff"] as? [[String: Any]])?.first
            XCTAssertEqual(od?["after"] as? String, after, "diff after: \(c.module)")
            XCTAssertEqual(od?["before"] as? String, ad["before"] as? String ?? "", "diff before: \(c.module)")
            compared += 1
        }
        XCTAssertGreaterThan(compared, 15, "most cases carry a content diff")
    }

    /// user and group, each side with its own account names (the machine is shared by both runs).
    func testUserAndGroupMatchAnsible() throws {
        let ansible = try ansiblePlaybook()
        let s = try Scratch()
        let id = getpid() % 100000
        let names = (ansible: ["p": "opa\(id)"], opsctl: ["p": "opo\(id)"])
        defer {
            for p in [names.ansible["p"]!, names.opsctl["p"]!] {
                let c = Process()
                c.executableURL = URL(fileURLWithPath: "/bin/sh")
                c.arguments = ["-c", "userdel -r \(p)u >/dev/null 2>&1; groupdel \(p)g >/dev/null 2>&1; "
                    + "groupdel \(p)x >/dev/null 2>&1"]
                try? c.run()
                c.waitUntilExit()
            }
        }
        let steps = [
            "group: {name: '{{ p }}g', system: yes}",
            "group: {name: '{{ p }}x'}",
            "user: {name: '{{ p }}u', group: '{{ p }}g', groups: ['{{ p }}x'], shell: /bin/sh, "
                + "comment: 'Parity User', home: '{{ dir }}/home', password: '$6$s$abc'}",
            "user: {name: '{{ p }}u', shell: /bin/bash, groups: [], append: no}",
            "user: {name: '{{ p }}u', groups: '{{ p }}x', append: yes}",
            "user: {name: '{{ p }}u', state: absent, remove: yes}",
            "group: {name: '{{ p }}x', state: absent}",
        ]
        var text = "- hosts: all\n  gather_facts: false\n  tasks:\n"
        for (i, step) in steps.enumerated() { text += "    - name: t\(i)\n      \(step)\n      register: r\(i)\n" }
        let all = steps.indices.map { "'t\($0)': r\($0)" }.joined(separator: ", ")
        text += "    - name: results\n      copy: {dest: \"{{ out }}\", content: \"{{ {\(all)} | to_json }}\"}\n"
        try s.write("parity.yml", text)
        try s.write("parity-inventory.yml", "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n")
        for side in ["ansible", "opsctl"] {
            try FileManager.default.createDirectory(atPath: s.path(side), withIntermediateDirectories: true)
        }
        for round in 1...2 {
            let (a, o) = try runBoth(s, ansible: ansible, vars: names)
            for (i, step) in steps.enumerated() {
                let ar = a["t\(i)"] ?? [:], or = o["t\(i)"] ?? [:]
                XCTAssertEqual(or["changed"] as? Bool, ar["changed"] as? Bool, "round \(round) changed: \(step)")
                XCTAssertEqual(or["failed"] as? Bool ?? false, ar["failed"] as? Bool ?? false, "failed: \(step)")
                for key in ["shell", "comment", "state", "system", "append", "create_home", "move_home", "remove",
                    "force", "password"]
                {
                    XCTAssertEqual(
                        or[key].map { "\($0)" }, ar[key].map { "\($0)" }, "round \(round) \(key): \(step)")
                }
                let rename = { (v: Any?) in (v as? String)?.replacingOccurrences(of: "opa\(id)", with: "P")
                    .replacingOccurrences(of: "opo\(id)", with: "P")
                    .replacingOccurrences(of: s.path("ansible"), with: "D")
                    .replacingOccurrences(of: s.path("opsctl"), with: "D") }
                for key in ["name", "home", "groups"] {
                    XCTAssertEqual(rename(or[key]), rename(ar[key]), "round \(round) \(key): \(step)")
                }
                XCTAssertEqual(Set(or.keys).symmetricDifference(ar.keys).subtracting(["diff", "stdout", "stderr",
                    "invocation", "warnings", "ssh_fingerprint", "ssh_key_file", "ssh_public_key", "msg"]), [],
                    "round \(round) keys: \(step)")
            }
        }
    }

    /// apt in check mode (nothing is installed): the same verdicts, messages and cache fields.
    func testAptCheckModeMatchesAnsible() throws {
        let ansible = try ansiblePlaybook()
        let s = try Scratch()
        let steps = [
            "apt: {name: coreutils}",
            "apt: {name: [coreutils, bash], state: present, install_recommends: no}",
            "apt: {name: hello}",
            "apt: {name: hello, state: absent, purge: yes}",
            "apt: {name: opsctl-no-such-package}",
            "apt: {update_cache: yes, cache_valid_time: 315360000}",
            "apt: {name: coreutils, update_cache: yes, cache_valid_time: 315360000}",
        ]
        var text = "- hosts: all\n  gather_facts: false\n  tasks:\n"
        for (i, step) in steps.enumerated() {
            text += "    - name: t\(i)\n      \(step)\n      register: r\(i)\n      ignore_errors: true\n"
        }
        let all = steps.indices.map { "'t\($0)': r\($0)" }.joined(separator: ", ")
        text += "    - name: results\n      copy: {dest: \"{{ out }}\", content: \"{{ {\(all)} | to_json }}\"}\n"
        text += "      check_mode: false\n"
        try s.write("parity.yml", text)
        try s.write("parity-inventory.yml", "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n")
        let (a, o) = try runBoth(s, ansible: ansible, check: true)
        for (i, step) in steps.enumerated() {
            let ar = a["t\(i)"] ?? [:], or = o["t\(i)"] ?? [:]
            XCTAssertEqual(or["changed"] as? Bool, ar["changed"] as? Bool, "changed: \(step)")
            XCTAssertEqual(or["failed"] as? Bool ?? false, ar["failed"] as? Bool ?? false, "failed: \(step)")
            XCTAssertEqual(or["cache_updated"] as? Bool, ar["cache_updated"] as? Bool, "cache_updated: \(step)")
            XCTAssertEqual(or["cache_update_time"] as? Int, ar["cache_update_time"] as? Int, "cache time: \(step)")
            if ar["failed"] as? Bool == true {
                XCTAssertEqual(or["msg"] as? String, ar["msg"] as? String, "msg: \(step)")
            }
        }
    }

    /// systemd enable/disable (offline: systemctl edits symlinks without a running systemd) and
    /// service over an init script, each side with its own unit.
    func testSystemdEnableAndSysVServiceMatchAnsible() throws {
        let ansible = try ansiblePlaybook()
        let s = try Scratch()
        let id = getpid() % 100000
        let units = (ansible: ["u": "opsctl-pa\(id)"], opsctl: ["u": "opsctl-po\(id)"])
        for u in [units.ansible["u"]!, units.opsctl["u"]!] {
            try "[Unit]\nDescription=t\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n"
                .write(toFile: "/etc/systemd/system/\(u).service", atomically: true, encoding: .utf8)
            let script = "#!/bin/sh\n### BEGIN INIT INFO\n# Provides: \(u)\n# Required-Start:\n# Required-Stop:\n"
                + "# Default-Start: 2 3 4 5\n# Default-Stop: 0 1 6\n### END INIT INFO\n"
                + "f=/tmp/\(u).running\ncase \"$1\" in start) touch $f;; stop) rm -f $f;; status) [ -e $f ];; "
                + "*) exit 0;; esac\n"
            try script.write(toFile: "/etc/init.d/\(u)-sysv", atomically: true, encoding: .utf8)
            chmod("/etc/init.d/\(u)-sysv", 0o755)
        }
        defer {
            for u in [units.ansible["u"]!, units.opsctl["u"]!] {
                let c = Process()
                c.executableURL = URL(fileURLWithPath: "/bin/sh")
                c.arguments = ["-c", "systemctl disable \(u).service; rm -f /etc/systemd/system/\(u).service; "
                    + "update-rc.d -f \(u)-sysv remove; rm -f /etc/init.d/\(u)-sysv /tmp/\(u)-sysv.running"]
                c.standardOutput = FileHandle.nullDevice
                c.standardError = FileHandle.nullDevice
                try? c.run()
                c.waitUntilExit()
            }
        }
        let steps = [
            "systemd: {name: '{{ u }}.service', enabled: yes}",
            "systemd: {name: '{{ u }}.service', enabled: no}",
            "systemd: {name: 'opsctl-none-{{ u }}.service', enabled: yes}",
            "service: {name: '{{ u }}-sysv', state: started, enabled: yes}",
            "service: {name: '{{ u }}-sysv', state: stopped}",
        ]
        var text = "- hosts: all\n  gather_facts: false\n  tasks:\n"
        for (i, step) in steps.enumerated() {
            text += "    - name: t\(i)\n      \(step)\n      register: r\(i)\n      ignore_errors: true\n"
        }
        let all = steps.indices.map { "'t\($0)': r\($0)" }.joined(separator: ", ")
        text += "    - name: results\n      copy: {dest: \"{{ out }}\", content: \"{{ {\(all)} | to_json }}\"}\n"
        try s.write("parity.yml", text)
        try s.write("parity-inventory.yml", "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n")
        for round in 1...2 {
            let (a, o) = try runBoth(s, ansible: ansible, vars: units)
            for (i, step) in steps.enumerated() {
                let ar = a["t\(i)"] ?? [:], or = o["t\(i)"] ?? [:]
                XCTAssertEqual(or["changed"] as? Bool, ar["changed"] as? Bool, "round \(round) changed: \(step)")
                XCTAssertEqual(or["failed"] as? Bool ?? false, ar["failed"] as? Bool ?? false, "failed: \(step)")
                XCTAssertEqual(or["enabled"] as? Bool, ar["enabled"] as? Bool, "round \(round) enabled: \(step)")
                XCTAssertEqual(or["state"] as? String, ar["state"] as? String, "round \(round) state: \(step)")
                let rename = { (v: Any?) in (v as? String)?.replacingOccurrences(of: "opsctl-pa\(id)", with: "U")
                    .replacingOccurrences(of: "opsctl-po\(id)", with: "U") }
                // Without a running systemd, Ansible's lookup of a missing unit ends in systemctl's own
                // complaint; on a systemd host it says what opsctl says here.
                if (ar["msg"] as? String)?.contains("has not been booted with systemd") == true { continue }
                XCTAssertEqual(rename(or["msg"]), rename(ar["msg"]), "round \(round) msg: \(step)")
            }
        }
    }
}
