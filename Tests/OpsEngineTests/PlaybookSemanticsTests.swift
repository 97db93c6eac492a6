import Foundation
import Jinja
import OpsCore
import OpsEngine
import XCTest

/// The engine's Ansible semantics, on real (local) hosts: handlers, serial, failure limits,
/// blocks, delegation, run_once, retries, loops, tags, limits and variable precedence.
final class PlaybookSemanticsTests: XCTestCase {
    var fleet: LocalFleet!

    override func setUpWithError() throws { fleet = try LocalFleet() }
    override func tearDown() { fleet.remove() }

    func testHandlersRunOnceAtEndOnlyWhenNotified() throws {
        let pb = """
            - hosts: all
              gather_facts: false
              tasks:
                - copy: dest={{ work }}/{{ inventory_hostname }}.conf content=v1
                  notify: restart
                - copy: dest={{ work }}/{{ inventory_hostname }}.conf2 content=v1
                  notify: restart
                - shell: echo task-after >> {{ work }}/{{ inventory_hostname }}.log
              handlers:
                - name: restart
                  shell: echo handler >> {{ work }}/{{ inventory_hostname }}.log
            """
        let (code, events) = try fleet.play(pb)
        XCTAssertEqual(code, 0)
        // Notified twice, runs once, after the tasks.
        XCTAssertEqual(fleet.read("h1.log"), "task-after\nhandler\n")
        XCTAssertEqual(events.tasks.filter { $0.hasPrefix("HANDLER") }, ["HANDLER restart"])
        // Nothing changed the second time: the handler does not run.
        let (_, second) = try fleet.play(pb)
        XCTAssertEqual(fleet.read("h1.log"), "task-after\nhandler\ntask-after\n")
        XCTAssertFalse(second.tasks.contains("HANDLER restart"))
    }

    func testFlushHandlersAndForceHandlersAfterFailure() throws {
        let pb = """
            - hosts: all
              gather_facts: false
              tasks:
                - copy: dest={{ work }}/{{ inventory_hostname }}.conf content=v1
                  notify: restart
                - meta: flush_handlers
                - shell: echo after-flush >> {{ work }}/{{ inventory_hostname }}.log
                - copy: dest={{ work }}/{{ inventory_hostname }}.conf content=v2
                  notify: restart
                - fail: msg=broken
                  when: inventory_hostname == 'h2'
              handlers:
                - name: restart
                  shell: echo handler >> {{ work }}/{{ inventory_hostname }}.log
            """
        let (code, _) = try fleet.play(pb)
        XCTAssertEqual(code, 2)
        XCTAssertEqual(fleet.read("h1.log"), "handler\nafter-flush\nhandler\n")
        // h2 failed: without --force-handlers its second notification is dropped.
        XCTAssertEqual(fleet.read("h2.log"), "handler\nafter-flush\n")
        try FileManager.default.removeItem(at: fleet.dir.appendingPathComponent("h2.conf"))
        try FileManager.default.removeItem(at: fleet.dir.appendingPathComponent("h2.log"))
        let (forced, _) = try fleet.play(pb) { $0.forceHandlers = true }
        XCTAssertEqual(forced, 2)
        XCTAssertEqual(fleet.read("h2.log"), "handler\nafter-flush\nhandler\n")
    }

    func testSerialBatchesAndMaxFailPercentageMustBeExceeded() throws {
        fleet = try LocalFleet(hosts: ["a1", "a2", "a3", "a4"])
        let pb = """
            - hosts: all
              gather_facts: false
              serial: 2
              max_fail_percentage: 50
              tasks:
                - shell: echo {{ ansible_play_batch | join(',') }} > {{ work }}/{{ inventory_hostname }}.batch
                - fail: msg="one per batch"
                  when: inventory_hostname in ['a1']
                - shell: touch {{ work }}/{{ inventory_hostname }}.done
            """
        let (code, _) = try fleet.play(pb)
        XCTAssertEqual(code, 2)
        XCTAssertEqual(fleet.read("a3.batch"), "a3,a4\n")
        // 1 of 2 failed is 50%: not *more* than 50, so the play goes on.
        XCTAssertNil(fleet.read("a1.done"))
        XCTAssertNotNil(fleet.read("a2.done"))
        XCTAssertNotNil(fleet.read("a4.done"))

        let abort = pb.replacingOccurrences(of: "max_fail_percentage: 50", with: "max_fail_percentage: 49")
        fleet.remove()
        fleet = try LocalFleet(hosts: ["a1", "a2", "a3", "a4"])
        _ = try fleet.play(abort)
        XCTAssertNil(fleet.read("a2.done"), "the batch aborted")
        XCTAssertNil(fleet.read("a3.batch"), "later batches never start")
    }

    func testBlockRescueAlways() throws {
        let pb = """
            - hosts: h1
              gather_facts: false
              tasks:
                - block:
                    - shell: echo block >> {{ work }}/log
                    - command: /bin/false
                    - shell: echo not-reached >> {{ work }}/log
                  rescue:
                    - shell: echo rescue >> {{ work }}/log
                  always:
                    - shell: echo always >> {{ work }}/log
                - shell: echo after >> {{ work }}/log
            """
        let (code, events) = try fleet.play(pb)
        XCTAssertEqual(code, 0)
        XCTAssertEqual(fleet.read("log"), "block\nrescue\nalways\nafter\n")
        XCTAssertEqual(events.recapStats["h1"]?.rescued, 1)
        XCTAssertEqual(events.recapStats["h1"]?.failed, 0)
    }

    func testRunOnceAndDelegateTo() throws {
        let pb = """
            - hosts: all
              gather_facts: false
              tasks:
                - shell: echo {{ inventory_hostname }} >> {{ work }}/once
                  run_once: true
                  register: once
                - shell: echo {{ inventory_hostname }} >> {{ work }}/delegated
                  delegate_to: localhost
                - copy: dest={{ work }}/{{ inventory_hostname }}.seen content="{{ once.stdout | default('none') }}"
            """
        let (code, events) = try fleet.play(pb)
        XCTAssertEqual(code, 0)
        XCTAssertEqual(fleet.read("once"), "h1\n")
        // Reported as Ansible does: `changed: [h1 -> localhost]`.
        XCTAssertEqual(
            Set(events.outcomes.filter { $0.module == "shell" }.map { $0.delegatedTo ?? "-" }), ["-", "localhost"])
        XCTAssertEqual(fleet.read("delegated")?.split(separator: "\n").sorted(), ["h1", "h2", "h3"])
        // run_once registers its result on every host of the batch.
        XCTAssertEqual(fleet.read("h3.seen"), "")
    }

    func testRetriesUntil() throws {
        let pb = """
            - hosts: h1
              gather_facts: false
              tasks:
                - shell: echo x >> {{ work }}/tries; wc -l < {{ work }}/tries
                  register: r
                  until: r.stdout | int >= 3
                  retries: 5
                  delay: 0
                - copy: dest={{ work }}/attempts content="{{ r.attempts }}"
                - shell: "false"
                  register: never
                  until: never.rc == 0
                  retries: 2
                  delay: 0
            """
        let (code, _) = try fleet.play(pb)
        XCTAssertEqual(code, 2)
        XCTAssertEqual(fleet.read("attempts"), "3")
        XCTAssertEqual(fleet.read("tries"), "x\nx\nx\n")
    }

    func testGatheredFactsHoldTheHostsClockAsAnsibleNamesIt() throws {
        let pb = """
            - hosts: h1
              gather_facts: true
              tasks:
                - copy:
                    dest: "{{ work }}/facts.json"
                    content: "{{ {'dt': ansible_date_time, 'os': ansible_distribution, 'family': ansible_os_family,
                      'cpus': ansible_processor_vcpus} | to_json }}"
            """
        let before = Int(Date().timeIntervalSince1970)
        let (code, _) = try fleet.play(pb)
        XCTAssertEqual(code, 0)
        let facts = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(XCTUnwrap(fleet.read("facts.json")).utf8)) as? [String: Any])
        let dt = try XCTUnwrap(facts["dt"] as? [String: String], "every date_time value is a string")
        let epoch = try XCTUnwrap(Int(dt["epoch"] ?? ""))
        XCTAssert((before - 1...before + 60).contains(epoch), "epoch \(epoch) is the host's clock")
        let utc = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(epoch)))
        XCTAssertEqual(dt["iso8601"], utc)
        XCTAssertTrue(dt["iso8601_micro"]?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"#, options: .regularExpression) != nil)
        XCTAssertTrue(dt["iso8601_basic"]?.range(of: #"^\d{8}T\d{12}$"#, options: .regularExpression) != nil)
        let local = DateFormatter()
        local.dateFormat = "yyyy-MM-dd HH:mm:ss EEEE"
        local.locale = Locale(identifier: "en_US_POSIX")
        let expected = local.string(from: Date(timeIntervalSince1970: TimeInterval(epoch)))
        XCTAssertEqual("\(dt["date"]!) \(dt["time"]!) \(dt["weekday"]!)", expected)
        XCTAssertEqual(dt["year"].map { $0 + "-" + dt["month"]! + "-" + dt["day"]! }, dt["date"])
        XCTAssertEqual(dt["epoch_int"], dt["epoch"])
        for key in ["tz", "tz_dst", "tz_offset", "weekday_number", "weeknumber", "iso8601_basic_short", "hour", "minute", "second"] {
            XCTAssertFalse(dt[key, default: ""].isEmpty, key)
        }
        XCTAssertNotNil(facts["os"] as? String)
        XCTAssertEqual(facts["cpus"] as? Int, ProcessInfo.processInfo.activeProcessorCount)
    }

    func testTaskTimeoutFailsTheTaskWithAnsiblesMessage() throws {
        let pb = """
            - hosts: h1
              gather_facts: false
              timeout: 30
              tasks:
                - command: sleep 20
                  timeout: 1
                  register: slow
                  ignore_errors: true
                - copy: dest={{ work }}/msg content="{{ slow.msg }}"
                - shell: sleep 0.2; echo done > {{ work }}/inherited
            """
        let started = Date()
        let (code, _) = try fleet.play(pb)
        XCTAssertEqual(code, 0)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "the sleep was cut short")
        XCTAssertEqual(
            fleet.read("msg"), "The command action failed to execute in the expected time frame (1) and was terminated")
        XCTAssertEqual(fleet.read("inherited"), "done\n", "the play's 30 s limit left the quick task alone")
    }

    func testLoopsRegisterResults() throws {
        let pb = """
            - hosts: h1
              gather_facts: false
              vars:
                users: [ann, bob, cid]
              tasks:
                - shell: echo {{ item }}-{{ idx }}
                  loop: "{{ users }}"
                  loop_control:
                    index_var: idx
                  register: out
                - copy:
                    dest: "{{ work }}/out"
                    content: "{{ out.results | map(attribute='stdout') | join(',') }} {{ out.results | length }}"
                - shell: echo {{ item }} >> {{ work }}/flat
                  with_items: [[a, b], c]
                - debug: msg={{ item.key }}={{ item.value }}
                  with_dict: {x: 1}
            """
        let (code, events) = try fleet.play(pb)
        XCTAssertEqual(code, 0)
        XCTAssertEqual(fleet.read("out"), "ann-0,bob-1,cid-2 3")
        XCTAssertEqual(fleet.read("flat"), "a\nb\nc\n")
        XCTAssertEqual(events.outcomes.filter { $0.module == "debug" }.first?.result.values["msg"]?.stringValue, "x=1")
    }

    func testTagsAndLimit() throws {
        let pb = """
            - hosts: all
              gather_facts: false
              tasks:
                - shell: echo tagged >> {{ work }}/{{ inventory_hostname }}
                  tags: [web]
                - shell: echo other >> {{ work }}/{{ inventory_hostname }}
                  tags: other
                - shell: echo always >> {{ work }}/{{ inventory_hostname }}
                  tags: always
                - shell: echo never >> {{ work }}/{{ inventory_hostname }}
                  tags: never
            """
        let (code, _) = try fleet.play(pb) {
            $0.tags = ["web"]
            $0.limit = "h1:h2"
        }
        XCTAssertEqual(code, 0)
        XCTAssertEqual(fleet.read("h1"), "tagged\nalways\n")
        XCTAssertNil(fleet.read("h3"))
        _ = try fleet.play(pb) {
            $0.skipTags = ["web", "always"]
            $0.limit = "h3"
        }
        XCTAssertEqual(fleet.read("h3"), "other\n")
    }

    func testVariablePrecedence() throws {
        try fleet.write("group_vars/all.yml", "level: group_vars\nonly_group: g\n")
        try fleet.write("host_vars/h1.yml", "level: host_vars\n")
        try fleet.write("vars.yml", "level: vars_files\n")
        let pb = """
            - hosts: all
              gather_facts: false
              vars:
                level: play
              tasks:
                - copy: dest={{ work }}/{{ inventory_hostname }}.a content="{{ level }} {{ only_group }}"
                - copy: dest={{ work }}/{{ inventory_hostname }}.b content="{{ level }}"
                  vars:
                    level: task
                - set_fact:
                    level: set_fact
                - copy: dest={{ work }}/{{ inventory_hostname }}.c content="{{ level }}"
                  vars:
                    level: task
            - hosts: all
              gather_facts: false
              vars_files: [vars.yml]
              vars:
                level: play
              tasks:
                - copy: dest={{ work }}/{{ inventory_hostname }}.d content="{{ level }}"
            """
        let (code, _) = try fleet.play(pb)
        XCTAssertEqual(code, 0)
        XCTAssertEqual(fleet.read("h1.a"), "play g")
        XCTAssertEqual(fleet.read("h1.b"), "task")
        XCTAssertEqual(fleet.read("h1.c"), "set_fact", "set_fact beats task vars")
        XCTAssertEqual(fleet.read("h1.d"), "set_fact", "set_fact persists into later plays")
        let (_, _) = try fleet.play(pb) { $0.extraVars = ["level": "extra"] }
        XCTAssertEqual(fleet.read("h2.a"), "extra g")
        XCTAssertEqual(fleet.read("h2.c"), "extra")
    }

    func testCheckModeChangesNothingAndDiffShowsTheChange() throws {
        try fleet.write("h1.conf", "port=80\n")
        let pb = """
            - hosts: h1
              gather_facts: false
              tasks:
                - copy: dest={{ work }}/h1.conf content="port=8080\\n"
                - file: path={{ work }}/newdir state=directory
            """
        let (code, events) = try fleet.play(pb) {
            $0.checkMode = true
            $0.diffMode = true
        }
        XCTAssertEqual(code, 0)
        XCTAssertEqual(fleet.read("h1.conf"), "port=80\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: fleet.dir.appendingPathComponent("newdir").path))
        let copy = events.outcomes.first { $0.module == "copy" }!
        XCTAssertEqual(copy.status, .changed)
        XCTAssertEqual(copy.result.diffs.first?.before, "port=80\n")
        XCTAssertEqual(copy.result.diffs.first?.after, "port=8080\n")
        let diff = UnifiedDiff.make(copy.result.diffs[0].before, copy.result.diffs[0].after, from: "a", to: "b")
        XCTAssertTrue(diff.contains("-port=80\n+port=8080\n"), diff)
    }

    func testUndefinedVariableFailsTheTaskNamingIt() throws {
        let pb = """
            - hosts: h1
              gather_facts: false
              tasks:
                - shell: echo {{ nosuchvar }}
            """
        let (code, events) = try fleet.play(pb)
        XCTAssertEqual(code, 2)
        let msg = events.outcomes.first?.result.msg ?? ""
        XCTAssertTrue(msg.contains("nosuchvar"), msg)
        XCTAssertTrue(msg.contains("site.yml:4:"), msg)
    }

    func testSyntaxErrorInWhenStopsBeforeAnyHost() throws {
        let pb = """
            - hosts: all
              gather_facts: false
              tasks:
                - shell: touch {{ work }}/ran
                - shell: echo
                  when: x ==
            """
        XCTAssertThrowsError(try fleet.play(pb)) { error in
            XCTAssertTrue("\(error)".contains("site.yml:6:"), "\(error)")
        }
        XCTAssertNil(fleet.read("ran"))
    }

    /// Ansible's playbook executor: a failed host sits out the later plays; a play whose whole
    /// batch failed ends the run.
    func testFailedHostsSitOutLaterPlaysAndAFullyFailedPlayEndsTheRun() throws {
        let pb = """
            - hosts: all
              gather_facts: false
              tasks:
                - fail: msg=down
                  when: inventory_hostname == 'h1'
            - hosts: all
              gather_facts: false
              tasks:
                - copy: dest={{ work }}/{{ inventory_hostname }}.second content=x
            - hosts: h2
              gather_facts: false
              tasks:
                - fail: msg=whole-batch
            - hosts: all
              gather_facts: false
              tasks:
                - copy: dest={{ work }}/{{ inventory_hostname }}.fourth content=x
            """
        let (code, _) = try fleet.play(pb)
        XCTAssertEqual(code, 2)
        XCTAssertNil(fleet.read("h1.second"), "h1 failed in the first play")
        XCTAssertEqual(fleet.read("h2.second"), "x")
        XCTAssertEqual(fleet.read("h3.second"), "x")
        XCTAssertNil(fleet.read("h3.fourth"), "the third play failed on its whole batch: the run ends")
    }
}
