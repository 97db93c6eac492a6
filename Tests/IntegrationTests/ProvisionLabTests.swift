import Foundation
import XCTest

/// playbooks/provision.yml on a freshly created lab: every service up, TLS through nginx to the
/// app hosts and PostgreSQL, the firewall in force, Prometheus scraping everything, a second run
/// and `--check` changing nothing, drift shown and repaired, bad input refused before any host
/// is touched. `.ci/test` runs it alone, on a lab it has just recreated
/// (OPSCTL_PROVISION_LAB=1): the other lab tests leave their traces on the hosts.
final class ProvisionLabTests: XCTestCase {
    var lab: LabFixture!
    var opsctl = ""
    var repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    override func setUpWithError() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["OPSCTL_PROVISION_LAB"] == "1" else {
            throw XCTSkip("provisioning needs a fresh lab: .ci/test runs it with OPSCTL_PROVISION_LAB=1")
        }
        guard let bin = env["OPSCTL_BIN"], env["OPSCTL_ARTIFACT"] != nil else {
            XCTFail("OPSCTL_BIN and OPSCTL_ARTIFACT must be set with OPSCTL_PROVISION_LAB")
            throw LabFixtureError.missing("OPSCTL_BIN")
        }
        opsctl = bin
        lab = try LabFixture.load()
    }

    func testProvisionFreshLab() throws {
        try checkMissingPasswordTouchesNothing()

        let first = try play([])
        XCTAssertEqual(first.status, 0, first.output)
        print("provision (fresh hosts): \(String(format: "%.1f", first.seconds)) s")
        for host in lab.hosts.map(\.name) {
            XCTAssertTrue(first.output.contains("\(host) "), "\(host) in the recap\n\(first.output)")
        }

        try checkServicesActive()
        try checkRequestPathThroughTLSToPostgres()
        try checkFirewall()
        try checkPrometheusTargetsUp()

        let second = try play([])
        XCTAssertEqual(second.status, 0, second.output)
        print("provision (second run): \(String(format: "%.1f", second.seconds)) s")
        XCTAssertEqual(changedCounts(second.output).filter { $0.value != 0 }, [:], second.output)
        XCTAssertEqual(changedCounts(second.output).count, lab.hosts.count + 1, "every host and localhost in the recap")

        let check = try play(["--check"])
        XCTAssertEqual(check.status, 0, check.output)
        XCTAssertEqual(changedCounts(check.output).filter { $0.value != 0 }, [:], check.output)

        try checkDriftIsShownThenRepaired()
    }

    // MARK: Steps

    /// The password missing from the inventory: the preflight play names it, and no lab host was
    /// contacted (nothing of the stack is on them yet).
    func checkMissingPasswordTouchesNothing() throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("inventory-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: lab.directory, toPath: copy.path)
        defer { try? FileManager.default.removeItem(at: copy) }
        let varsFile = copy.appendingPathComponent("group_vars/all.yml")
        let vars = try String(contentsOf: varsFile, encoding: .utf8)
        let without = vars.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("detection_service_db_password:") }.joined(separator: "\n")
        XCTAssertNotEqual(without, vars, "the lab inventory sets detection_service_db_password")
        try without.write(to: varsFile, atomically: true, encoding: .utf8)

        let run = try play([], inventory: copy.path)
        XCTAssertNotEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("detection_service_db_password is not set"), run.output)
        XCTAssertTrue(run.output.contains("DATABASE_URL"), "says where it is needed\n\(run.output)")
        for host in lab.hosts.map(\.name) {
            XCTAssertFalse(run.output.contains("\(host) "), "\(host) must not be contacted\n\(run.output)")
        }
        for host in lab.hosts {
            let probe = try lab.ssh("root", host.address, "test ! -e /etc/ssh/sshd_config.d/50-opsctl-hardening.conf")
            XCTAssertEqual(probe.status, 0, "\(host.name) untouched")
        }
    }

    func checkServicesActive() throws {
        var expected: [String: [String]] = [:]
        for host in lab.hosts.map(\.name) { expected[host] = ["ssh", "nftables", "prometheus-node-exporter"] }
        for (group, units) in [
            ("lb", ["nginx"]), ("monitoring", ["prometheus"]), ("db", ["postgresql@15-main"]),
            ("app", ["detection-service"]),
        ] {
            for host in lab.groups[group] ?? [] { expected[host, default: []] += units }
        }
        for host in lab.hosts {
            let units = expected[host.name]!
            let run = try lab.ssh("root", host.address, "systemctl is-active " + units.joined(separator: " "))
            XCTAssertEqual(run.status, 0, "\(host.name): \(units) → \(run.stdout)")
            XCTAssertEqual(run.stdout.split(separator: "\n").filter { $0 == "active" }.count, units.count, run.stdout)
        }
    }

    func checkRequestPathThroughTLSToPostgres() throws {
        let lb = try address("lb1")
        let app = try address("app1")
        let db = try address("db1")
        // From an app host, by name (provisioning wrote /etc/hosts), over TLS (self-signed).
        let health = try lab.ssh("root", app, "curl -sk -o /dev/null -w '%{http_code}' https://lb1/health")
        XCTAssertEqual(health.stdout, "200", health.stderr)
        let redirect = try lab.ssh("root", app, "curl -s -o /dev/null -w '%{http_code}' http://lb1/health")
        XCTAssertEqual(redirect.stdout, "301", "HTTP redirects to HTTPS")

        let key = try XCTUnwrap((lab.vars["detection_service_api_keys"] as? [String])?.first)
        let before = try runCount(db)
        let days = (1...10).map { "\"2024-05-\(String(format: "%02d", $0))\"" }.joined(separator: ", ")
        let body = #"{"timestamps": [\#(days)], "values": [1, 1.2, 0.9, 1.1, 1, 1.05, 0.95, 42, 1, 1.1], "method": "zscore"}"#
        let detect = try Run.program(
            "/usr/bin/curl",
            [
                "-sk", "--max-time", "20", "-w", "\n%{http_code}", "-H", "Content-Type: application/json",
                "-H", "X-API-Key: \(key)", "--data-binary", "@-", "https://\(lb)/api/v1/detect",
            ], stdin: body)
        // 201 Created: the run is stored.
        XCTAssertTrue(detect.stdout.hasSuffix("\n201"), detect.stdout + detect.stderr)
        XCTAssertTrue(detect.stdout.contains(#""index":7"#), "the spike is found\n\(detect.stdout)")
        XCTAssertEqual(try runCount(db), before + 1, "the run is a row in PostgreSQL on db1")
        let refused = try Run.program(
            "/usr/bin/curl", ["-sk", "-o", "/dev/null", "-w", "%{http_code}", "https://\(lb)/api/v1/detections"])
        XCTAssertEqual(refused.stdout, "401", "no API key → 401")
    }

    func runCount(_ db: String) throws -> Int {
        let run = try lab.ssh(
            "root", db, "cd /tmp && runuser -u postgres -- psql -X -At -d detection -c 'SELECT count(*) FROM detection_runs'")
        XCTAssertEqual(run.status, 0, run.stderr)
        return Int(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    func checkFirewall() throws {
        let db = try address("db1")
        let app1 = try address("app1")
        func connects(from host: String, to address: String, port: Int) throws -> Bool {
            let probe = "timeout 3 bash -c 'exec 3<>/dev/tcp/\(address)/\(port)' 2>/dev/null"
            return try lab.ssh("root", self.address(host), probe).status == 0
        }
        XCTAssertTrue(try connects(from: "app1", to: db, port: 5432), "5432 open to app hosts")
        XCTAssertFalse(try connects(from: "lb1", to: db, port: 5432), "5432 closed to lb1")
        let monitoring = try XCTUnwrap(lab.groups["monitoring"]?.first)
        XCTAssertTrue(try connects(from: monitoring, to: app1, port: 9100), "9100 open to the monitoring host")
        XCTAssertFalse(try connects(from: "app2", to: app1, port: 9100), "9100 closed to others")
        XCTAssertFalse(try connects(from: "backup1", to: app1, port: 8000), "the service port only for lb/monitoring")

        // Password login refused: the server no longer offers it.
        let password = try Run.program(
            "/usr/bin/ssh",
            [
                "-o", "UserKnownHostsFile=" + lab.string("opsctl_known_hosts_file"), "-o", "StrictHostKeyChecking=yes",
                "-o", "BatchMode=yes", "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password,keyboard-interactive",
                "-o", "ConnectTimeout=10", "\(try lab.string("lab_sudo_user"))@\(app1)", "true",
            ])
        XCTAssertNotEqual(password.status, 0)
        XCTAssertTrue(password.stderr.contains("Permission denied (publickey)"), password.stderr)
    }

    func checkPrometheusTargetsUp() throws {
        let monitoring = try address(XCTUnwrap(lab.groups["monitoring"]?.first))
        let expected = lab.hosts.count + (lab.groups["app"]?.count ?? 0) + 1
        var last = ""
        for _ in 0..<40 {
            let run = try lab.ssh("root", monitoring, "curl -s http://127.0.0.1:9090/api/v1/targets")
            last = run.stdout
            if let data = run.stdout.data(using: .utf8),
                let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let targets = (json["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]],
                targets.count == expected, targets.allSatisfy({ $0["health"] as? String == "up" })
            {
                return
            }
            Thread.sleep(forTimeInterval: 1.5)
        }
        XCTFail("Prometheus: expected \(expected) targets up, got \(last)")
    }

    func checkDriftIsShownThenRepaired() throws {
        let lb = try address("lb1")
        let site = "/etc/nginx/sites-available/detection-service.conf"
        let original = try lab.ssh("root", lb, "sha256sum \(site)").stdout
        XCTAssertEqual(try lab.ssh("root", lb, "echo '# hand edit' >> \(site)").status, 0)

        let check = try play(["--check", "--diff", "--limit", "lb1"])
        XCTAssertEqual(check.status, 0, check.output)
        XCTAssertTrue(check.output.contains("-# hand edit"), "the diff shows the edit going away\n\(check.output)")
        XCTAssertTrue(try lab.ssh("root", lb, "tail -n 1 \(site)").stdout.contains("# hand edit"), "--check changed it")

        let pid = try lab.ssh("root", lb, "systemctl show -p MainPID --value nginx").stdout
        let repair = try play(["--limit", "lb1"])
        XCTAssertEqual(repair.status, 0, repair.output)
        XCTAssertEqual(try lab.ssh("root", lb, "sha256sum \(site)").stdout, original, "file restored")
        XCTAssertEqual(repair.output.components(separatedBy: "RUNNING HANDLER [lb : reload nginx]").count, 2,
            "nginx reloaded once\n\(repair.output)")
        XCTAssertEqual(try lab.ssh("root", lb, "systemctl show -p MainPID --value nginx").stdout, pid,
            "reloaded, not restarted")
        XCTAssertEqual(changedCounts(repair.output)["lb1"], 2, "the site and its reload\n\(repair.output)")
    }

    // MARK: Helpers

    func address(_ host: String) throws -> String {
        guard let entry = lab.hosts.first(where: { $0.name == host }) else {
            throw LabFixtureError.malformed("no host \(host) in the lab")
        }
        return entry.address
    }

    func play(_ arguments: [String], inventory: String? = nil) throws -> (status: Int32, output: String, seconds: Double) {
        let artifact = ProcessInfo.processInfo.environment["OPSCTL_ARTIFACT"]!
        // dist/detection-service-VERSION-linux-x86_64.tar.gz
        let version = URL(fileURLWithPath: artifact).lastPathComponent
            .replacingOccurrences(of: "detection-service-", with: "")
            .replacingOccurrences(of: "-linux-x86_64.tar.gz", with: "")
        let started = Date()
        let run = try Run.program(
            opsctl,
            [
                "play", repository.appendingPathComponent("playbooks/provision.yml").path, "-i",
                inventory ?? lab.directory, "--no-color", "-e", "detection_service_artifact=" + artifact,
                "-e", "detection_service_version=" + version,
            ] + arguments)
        return (run.status, run.stdout + run.stderr, Date().timeIntervalSince(started))
    }

    /// `host : ok=N changed=M …` recap lines → host: M.
    func changedCounts(_ output: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in output.split(separator: "\n") where line.contains(" changed=") && line.contains(" : ok=") {
            let host = line.split(separator: " ").first.map(String.init) ?? ""
            let field = line.split(separator: " ").first { $0.hasPrefix("changed=") } ?? ""
            counts[host] = Int(field.dropFirst("changed=".count)) ?? -1
        }
        return counts
    }
}
