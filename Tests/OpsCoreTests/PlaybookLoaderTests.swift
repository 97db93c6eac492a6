@preconcurrency import Yams
import OpsCore
import XCTest

final class PlaybookLoaderTests: XCTestCase {
    /// A few real module shapes; the engine's own catalog is tested with the engine.
    let catalog = ModuleCatalog([
        ModuleSpec(
            name: "command",
            args: [.init("argv", .list), .init("chdir", .path), .init("creates", .path), .init("removes", .path)],
            freeForm: true),
        ModuleSpec(
            name: "file",
            args: [
                .init("path", .path, required: true, aliases: ["dest", "name"]),
                .init("state", choices: ["absent", "directory", "file", "hard", "link", "touch"]),
                .init("mode", .mode),
            ]),
        ModuleSpec(
            name: "copy",
            args: [.init("dest", .path, required: true), .init("content"), .init("src", .path), .init("mode", .mode)],
            requiredOneOf: [["src", "content"]]),
        ModuleSpec(name: "debug", args: [.init("msg", .raw), .init("var")], controlOnly: true),
        ModuleSpec(name: "meta", args: [], freeForm: true, controlOnly: true),
    ])

    func load(_ files: [String: String], _ path: String = "pb/site.yml") throws -> Playbook {
        try PlaybookLoader(reader: MemoryReader(files: files), catalog: catalog).load(path)
    }

    func testKeyValueShorthandDecodesEscapesLikeAnsible() throws {
        let pb = try load([
            "pb/site.yml": """
            - hosts: web
              gather_facts: false
              tasks:
                - name: dir 0
                  file: path=/srv/bench/d0 state=directory mode=0755
                - name: copy 0
                  ansible.builtin.copy: dest=/srv/bench/d0/f.txt content='hello 0\\n' mode=0644
                - command: chdir=/tmp ls -l "a b"
            """
        ])
        let tasks = pb.plays[0].tasks.map { item -> Task in
            guard case .task(let t) = item else { fatalError() }
            return t
        }
        XCTAssertEqual(pb.plays[0].gatherFacts, false)
        XCTAssertEqual(tasks[0].module, "file")
        XCTAssertEqual(tasks[0].arg("mode")?.scalar?.string, "0755")
        XCTAssertEqual(tasks[1].module, "copy")
        XCTAssertEqual(tasks[1].arg("content")?.scalar?.string, "hello 0\n")
        XCTAssertEqual(tasks[2].arg("chdir")?.scalar?.string, "/tmp")
        XCTAssertEqual(tasks[2].arg("_raw_params")?.scalar?.string, "ls -l \"a b\"")
    }

    func testNegativeTimeoutIsRefusedWhereItIsWritten() throws {
        let text = "- hosts: all\n  tasks:\n    - command: /bin/true\n      timeout: -5\n"
        XCTAssertThrowsError(try load(["pb/site.yml": text])) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("site.yml:4:16"), message)
            XCTAssertTrue(message.contains("timeout must be a number of seconds"), message)
        }
    }

    func testUnknownModuleSuggests() throws {
        let text = "- hosts: all\n  tasks:\n    - name: x\n      copyy:\n        dest: /a\n        content: b\n"
        XCTAssertThrowsError(try load(["pb/site.yml": text])) { error in
            let e = error as! InputError
            XCTAssertEqual(e.location, SourceLocation(file: "pb/site.yml", line: 4, column: 7))
            XCTAssertTrue(e.message.contains("unknown module \"copyy\" (did you mean \"copy\"?)"), e.message)
        }
    }

    func testUnknownArgumentSuggests() throws {
        let text = "- hosts: all\n  tasks:\n    - copy:\n        dset: /a\n        content: b\n"
        XCTAssertThrowsError(try load(["pb/site.yml": text])) { error in
            let e = error as! InputError
            XCTAssertEqual(e.location?.line, 4)
            XCTAssertTrue(e.message.contains("no argument \"dset\" (did you mean \"dest\"?)"), e.message)
        }
    }

    func testMisspeltKeywordSuggestsKeyword() throws {
        let text = "- hosts: all\n  tasks:\n    - command: 'true'\n      whne: x\n"
        XCTAssertThrowsError(try load(["pb/site.yml": text])) { error in
            XCTAssertTrue("\(error)".contains("did you mean \"when\""), "\(error)")
        }
    }

    func testMissingRequiredAndBadChoice() throws {
        XCTAssertThrowsError(try load(["pb/site.yml": "- hosts: all\n  tasks:\n    - copy: dest=/a\n"])) {
            XCTAssertTrue("\($0)".contains("needs one of: src, content"), "\($0)")
        }
        XCTAssertThrowsError(try load(["pb/site.yml": "- hosts: all\n  tasks:\n    - file: path=/a state=dir\n"])) {
            XCTAssertTrue("\($0)".contains("state must be one of"), "\($0)")
        }
        XCTAssertThrowsError(try load(["pb/site.yml": "- hosts: all\n  tasks:\n    - name: nothing\n"])) {
            XCTAssertTrue("\($0)".contains("names no module"), "\($0)")
        }
        XCTAssertThrowsError(
            try load(["pb/site.yml": "- hosts: all\n  tasks:\n    - copy: dest=/a content=b\n      file: path=/a\n"])
        ) {
            XCTAssertTrue("\($0)".contains("names two"), "\($0)")
        }
    }

    func testPlayNeedsHostsAndKnownKeywords() throws {
        XCTAssertThrowsError(try load(["pb/site.yml": "- name: x\n  tasks: []\n"])) {
            XCTAssertTrue("\($0)".contains("needs `hosts:`"), "\($0)")
        }
        XCTAssertThrowsError(try load(["pb/site.yml": "- hosts: all\n  taks: []\n"])) {
            XCTAssertTrue("\($0)".contains("did you mean \"tasks\""), "\($0)")
        }
        XCTAssertThrowsError(try load(["pb/site.yml": "hosts: all\n"])) {
            XCTAssertTrue("\($0)".contains("must be a list of plays"), "\($0)")
        }
    }

    func testBlocksImportsRolesAndHandlers() throws {
        let pb = try load([
            "pb/site.yml": """
            - hosts: app
              serial: [1, "50%"]
              max_fail_percentage: 25
              roles:
                - role: web
                  http_port: 8080
                  tags: [web]
              tasks:
                - block:
                    - import_tasks: more.yml
                  rescue:
                    - debug: msg=rescued
                  always:
                    - meta: flush_handlers
                  when: x is defined
                - include_tasks: "{{ dynamic }}.yml"
              handlers:
                - name: restart web
                  command: systemctl restart web
                  listen: web changed
            """,
            "pb/more.yml": "- debug:\n    msg: imported\n",
            "pb/roles/web/tasks/main.yml": "- copy: dest=/etc/web.conf content=x\n  notify: restart web\n",
            "pb/roles/web/defaults/main.yml": "port: 80\n",
            "pb/roles/web/handlers/main.yml": "- name: reload web\n  command: systemctl reload web\n",
            "pb/roles/web/meta/main.yml": "dependencies:\n  - base\n",
            "pb/roles/base/tasks/main.yml": "- command: 'true'\n",
        ])
        let play = pb.plays[0]
        XCTAssertEqual(play.serial, [.count(1), .percent(50)])
        XCTAssertEqual(play.maxFailPercentage, 25)
        XCTAssertEqual(play.roles.map(\.name), ["base", "web"])
        XCTAssertEqual(play.roles[1].defaults.string("port"), "80")
        XCTAssertEqual(play.roles[1].params.string("http_port"), "8080")
        XCTAssertEqual(play.roles[1].keywords.tags, ["web"])
        XCTAssertEqual(play.roles[1].handlers.count, 1)
        guard case .block(let block) = play.tasks[0] else { return XCTFail("expected a block") }
        XCTAssertEqual(block.keywords.when.map(\.text), ["x is defined"])
        guard case .block(let imported) = block.block[0], case .task(let t) = imported.block[0] else {
            return XCTFail("import_tasks should load statically")
        }
        XCTAssertEqual(t.location.file, "pb/more.yml")
        guard case .include(let inc) = play.tasks[1] else { return XCTFail("expected include") }
        XCTAssertNil(inc.preloaded)
        guard case .task(let handler) = play.handlers[0] else { return XCTFail() }
        XCTAssertEqual(handler.listen, ["web changed"])
        XCTAssertEqual(play.batches(of: ["a", "b", "c", "d", "e"]), [["a"], ["b", "c"], ["d", "e"]])
    }

    func testMissingRoleAndImportErrorsNameThePlace() throws {
        XCTAssertThrowsError(try load(["pb/site.yml": "- hosts: all\n  roles: [nosuch]\n"])) {
            XCTAssertTrue("\($0)".contains("role \"nosuch\" not found"), "\($0)")
            XCTAssertEqual(($0 as! InputError).location?.line, 2)
        }
        XCTAssertThrowsError(try load(["pb/site.yml": "- hosts: all\n  tasks:\n    - import_tasks: gone.yml\n"])) {
            XCTAssertTrue("\($0)".contains("task file \"gone.yml\" not found"), "\($0)")
        }
        // An error inside an imported file points into that file.
        XCTAssertThrowsError(
            try load(["pb/site.yml": "- hosts: all\n  tasks:\n    - import_tasks: a.yml\n", "pb/a.yml": "- cmd: x\n"])
        ) {
            XCTAssertEqual(($0 as! InputError).location?.file, "pb/a.yml")
        }
    }

    func testSharedPeerPlaybooksLoad() throws {
        for name in ["cmd50.yml", "files40.yml"] {
            let path = "/work/shared/peers/" + name
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            let pb = try load(["pb/site.yml": text])
            XCTAssertEqual(pb.plays[0].tasks.count, name == "cmd50.yml" ? 50 : 40)
        }
    }
}
