import Foundation
import Logging
import OpsCore
import OpsEngine
import XCTest

/// Renders the stack from templates/ with opsctl's renderer (checked byte for byte against Python
/// jinja2 through bench/render/render_stack.py) and checks the output with the real tools: nginx -t,
/// systemd-analyze, promtool and kubernetes-validate. Negative cases break one file each and
/// expect its validator to name that file.
final class RenderValidationTests: XCTestCase {
    /// Repository root, from this file's real location (the test may be built through a symlink).
    static let repository = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shape `opsctl lab up` writes: hosts with addresses under `all`, groups listing them.
    static let labInventory = """
        # Shaped like the inventory `opsctl lab up` writes.
        all:
          hosts:
            lb1:
              ansible_host: 10.213.0.11
            app1:
              ansible_host: 10.213.0.12
            app2:
              ansible_host: 10.213.0.13
            app3:
              ansible_host: 10.213.0.14
            db1:
              ansible_host: 10.213.0.15
            backup1:
              ansible_host: 10.213.0.16
          children:
            lb:
              hosts:
                lb1: {}
            app:
              hosts:
                app1: {}
                app2: {}
                app3: {}
            db:
              hosts:
                db1: {}
            backup:
              hosts:
                backup1: {}
            monitoring:
              hosts:
                lb1: {}
          vars:
            detection_service_db_password: lab-password
            detection_service_api_keys:
              - lab-key-0123456789
              - "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"

        """

    static let expectedFiles = [
        "nginx/detection-service.conf",
        "systemd/detection-service.service", "systemd/detection-service.env", "systemd/detection-service.api-keys",
        "systemd/detection-backup.service", "systemd/detection-backup.timer", "systemd/detection-backup.sh",
        "prometheus/prometheus.yml", "prometheus/rules/detection-service.rules.yml",
        "kubernetes/00-namespace.yaml", "kubernetes/10-configmap.yaml", "kubernetes/11-secret.yaml",
        "kubernetes/20-deployment.yaml", "kubernetes/30-service.yaml", "kubernetes/40-ingress.yaml",
        "kubernetes/50-hpa.yaml", "kubernetes/60-pdb.yaml", "kubernetes/70-networkpolicy.yaml",
    ]

    let logger = Logger(label: "RenderValidationTests")
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("render-validation-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try requirePrerequisites()
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    // MARK: - The stack renders and every output passes its validator

    /// opsctl's engine and Python jinja2 give the same bytes for every file of the stack.
    func testOpsctlRenderMatchesPythonJinja2ByteForByte() throws {
        try requirePrerequisites()
        for inventory in [try writeLabInventory(), Self.repository.appendingPathComponent("inventories/production")] {
            let ours = try render(inventory: inventory)
            let theirs = try renderWithPython(inventory: inventory)
            for file in Self.expectedFiles {
                let a = try Data(contentsOf: ours.appendingPathComponent(file))
                let b = try Data(contentsOf: theirs.appendingPathComponent(file))
                XCTAssertEqual(
                    String(decoding: a, as: UTF8.self), String(decoding: b, as: UTF8.self),
                    "\(file) from \(inventory.lastPathComponent)")
                let modeA = try FileManager.default.attributesOfItem(atPath: ours.appendingPathComponent(file).path)[.posixPermissions] as? Int
                let modeB = try FileManager.default.attributesOfItem(atPath: theirs.appendingPathComponent(file).path)[.posixPermissions] as? Int
                XCTAssertEqual(modeA, modeB, "mode of \(file)")
            }
        }
    }

    func testLabInventoryRendersValidConfiguration() throws {
        let out = try render(inventory: writeLabInventory())
        for file in Self.expectedFiles {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), file)
        }
        let failures = try StackValidator(logger: logger).validate(outputDirectory: out)
        XCTAssertEqual(failures, [], failures.map(\.description).joined(separator: "\n"))

        let site = try read(out, "nginx/detection-service.conf")
        for address in ["10.213.0.12", "10.213.0.13", "10.213.0.14"] {
            XCTAssertTrue(site.contains("server \(address):8000 max_fails=3 fail_timeout=30s;"), address)
        }
        let prometheus = try read(out, "prometheus/prometheus.yml")
        for address in ["10.213.0.11", "10.213.0.12", "10.213.0.13", "10.213.0.14", "10.213.0.15", "10.213.0.16"] {
            XCTAssertTrue(prometheus.contains("\"\(address):9100\""), "node exporter of \(address)")
        }
        XCTAssertTrue(prometheus.contains("\"10.213.0.12:8000\""))
        XCTAssertFalse(prometheus.contains("\"10.213.0.11:8000\""), "lb1 runs no detection-service")
        XCTAssertTrue(try read(out, "systemd/detection-service.env")
            .contains("DATABASE_URL=postgres://detection:lab-password@10.213.0.15:5432/detection\n"))
        XCTAssertTrue(try read(out, "systemd/detection-backup.sh").contains("remote=detection-backup@10.213.0.16\n"))
        // Keys reach the hosts as digests only; a digest given as such passes unchanged.
        XCTAssertEqual(
            try read(out, "systemd/detection-service.api-keys"),
            "sha256:\(try sha256Hex("lab-key-0123456789"))\n"
                + "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae\n")
    }

    func sha256Hex(_ text: String) throws -> String {
        let run = try Run.program("/usr/bin/sha256sum", [], stdin: text)
        return String(run.stdout.prefix(64))
    }

    func testProductionInventoryRendersValidConfiguration() throws {
        let out = try render(inventory: Self.repository.appendingPathComponent("inventories/production"))
        let failures = try StackValidator(logger: logger).validate(outputDirectory: out)
        XCTAssertEqual(failures, [], failures.map(\.description).joined(separator: "\n"))

        // Precedence: group_vars/lb.yml over defaults, host_vars/db1 over group_vars/db.yml.
        let site = try read(out, "nginx/detection-service.conf")
        XCTAssertTrue(site.contains("ssl_certificate /etc/letsencrypt/live/detection.example.com/fullchain.pem;"))
        XCTAssertTrue(site.contains("rate=20r/s;"))
        XCTAssertEqual(site.components(separatedBy: "max_fails=3").count - 1, 4, "one upstream server per app host")
        XCTAssertTrue(
            try read(out, "systemd/detection-backup.sh").contains("backup_dir=/srv/pgbackup/detection-service\n"))
        XCTAssertTrue(try read(out, "prometheus/prometheus.yml").contains("\"localhost:9093\""))
    }

    func testNginxHTTP2SyntaxFollowsTheNginxVersion() throws {
        let inventory = try writeLabInventory()
        let old = try read(try render(inventory: inventory), "nginx/detection-service.conf")
        XCTAssertTrue(old.contains("    listen 443 ssl http2;\n"), old)
        XCTAssertFalse(old.contains("http2 on;"), old)
        try (Self.labInventory + "    nginx_version: \"1.26.3\"\n")
            .write(to: inventory.appendingPathComponent("hosts.yml"), atomically: true, encoding: .utf8)
        let new = try read(try render(inventory: inventory), "nginx/detection-service.conf")
        XCTAssertTrue(new.contains("    listen 443 ssl;\n"), new)
        XCTAssertTrue(new.contains("    http2 on;\n"), new)
    }

    func testManifestDescribesTheRenderedFiles() throws {
        let manifestPath = Self.repository.appendingPathComponent("templates/manifest.yml").path
        let json = try python([
            "-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", manifestPath,
        ])
        XCTAssertEqual(json.status, 0, json.output)
        let manifest = try JSONDecoder().decode(RenderManifest.self, from: Data(json.output.utf8))
        XCTAssertEqual(Set(manifest.templates.map(\.out)), Set(Self.expectedFiles))
        XCTAssertEqual(Set(manifest.templates.map(\.kind)), Set(StackValidator.validatorNames))
        XCTAssertEqual(
            manifest.entries(only: "nginx").map(\.dest), ["/etc/nginx/sites-available/detection-service.conf"])
        for entry in manifest.templates {
            XCTAssertTrue(FileManager.default.fileExists(
                atPath: Self.repository.appendingPathComponent("templates/\(entry.src)").path), entry.src)
            XCTAssertNotNil(entry.permissions, entry.mode)
        }
        let env = try XCTUnwrap(manifest.templates.first { $0.out == "systemd/detection-service.env" })
        XCTAssertEqual(env.permissions, 0o600)
        XCTAssertEqual(env.ownerVariable, "detection_service_user")
        let groups = ["lb": ["lb1"], "app": ["app1", "app2"], "db": []]
        XCTAssertEqual(env.renderHost(groups: groups), .host("app1"))
        let backup = try XCTUnwrap(manifest.templates.first { $0.out == "systemd/detection-backup.timer" })
        XCTAssertEqual(backup.renderHost(groups: groups), .skip(reason: "no host in group 'db'"))
        let namespace = try XCTUnwrap(manifest.templates.first { $0.kind == "kubernetes" })
        XCTAssertEqual(namespace.renderHost(groups: groups), .localhost)
    }

    // MARK: - The rendered site behaves as promised under real nginx

    /// Serves the rendered nginx site (ports, certificate and logs moved by inventory variables
    /// only) in front of a small HTTP backend that echoes what it received, and checks the
    /// redirect, TLS, security headers, forwarded headers, limits and the unlogged /health.
    func testRenderedNginxSiteServesTraffic() throws {
        let ports = try freePorts(3)
        let (httpPort, httpsPort, backendPort) = (ports[0], ports[1], ports[2])
        let site = scratch.appendingPathComponent("site", isDirectory: true)
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        let openssl = try XCTUnwrap(ExternalTool.openssl.locate())
        let certificate = try run(openssl, [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=detection.example.com",
            "-keyout", site.appendingPathComponent("tls.key").path, "-out", site.appendingPathComponent("tls.crt").path,
        ])
        XCTAssertEqual(certificate.status, 0, certificate.output)

        let inventory = scratch.appendingPathComponent("live-inventory", isDirectory: true)
        try FileManager.default.createDirectory(at: inventory, withIntermediateDirectories: true)
        try """
            all:
              children:
                lb:
                  hosts:
                    lb1:
                      ansible_host: 127.0.0.1
                app:
                  hosts:
                    app1:
                      ansible_host: 127.0.0.1
                db:
                  hosts:
                    db1:
                      ansible_host: 127.0.0.1
              vars:
                detection_service_db_password: unused
                detection_service_port: \(backendPort)
                nginx_http_port: \(httpPort)
                nginx_https_port: \(httpsPort)
                nginx_listen_ipv6: false
                nginx_tls_certificate: \(site.path)/tls.crt
                nginx_tls_certificate_key: \(site.path)/tls.key
                nginx_access_log: \(site.path)/access.log
                nginx_error_log: \(site.path)/error.log
                nginx_client_max_body_size: 1k
                nginx_rate_limit_api_rate: 1r/m
                nginx_rate_limit_api_burst: 2

            """.write(to: inventory.appendingPathComponent("hosts.yml"), atomically: true, encoding: .utf8)
        let out = try render(inventory: inventory)
        let conf = site.appendingPathComponent("nginx.conf")
        try """
            pid \(site.path)/nginx.pid;
            error_log \(site.path)/main-error.log;
            events {}
            http {
                include /etc/nginx/mime.types;
                client_body_temp_path \(site.path)/body;
                proxy_temp_path \(site.path)/proxy;
                fastcgi_temp_path \(site.path)/fastcgi;
                uwsgi_temp_path \(site.path)/uwsgi;
                scgi_temp_path \(site.path)/scgi;
                include \(out.path)/nginx/detection-service.conf;
            }

            """.write(to: conf, atomically: true, encoding: .utf8)

        let backend = try startProcess(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", Self.echoBackend, "\(backendPort)"])
        defer { backend.terminate(); backend.waitUntilExit() }
        let nginxBinary = try XCTUnwrap(ExternalTool.nginx.locate())
        let nginx = try startProcess(nginxBinary, [
            "-e", site.appendingPathComponent("startup.log").path, "-p", site.path + "/", "-c", conf.path,
            "-g", "daemon off;",
        ])
        defer { nginx.terminate(); nginx.waitUntilExit() }
        let https = "https://127.0.0.1:\(httpsPort)"
        try waitUntilAnswering("\(https)/health")

        // Plain HTTP only redirects, to the same path over HTTPS.
        let redirect = try curl([
            "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
            "http://127.0.0.1:\(httpPort)/api/v1/detections?x=1",
        ])
        XCTAssertEqual(redirect, "301 https://127.0.0.1:\(httpsPort)/api/v1/detections?x=1")

        // TLS 1.2 and 1.3 are served; headers and forwarded headers are set.
        XCTAssertEqual(try httpStatus("\(https)/health", ["--tls-max", "1.2"]), "200")
        XCTAssertEqual(try httpStatus("\(https)/health", ["--tlsv1.3"]), "200")
        let health = try curl(["-D", "-", "\(https)/health"])
        for header in [
            "strict-transport-security: max-age=63072000; includesubdomains", "x-content-type-options: nosniff",
            "x-frame-options: deny", "content-security-policy: default-src 'none'",
        ] {
            XCTAssertTrue(health.lowercased().contains(header), "missing \(header) in:\n\(health)")
        }
        XCTAssertFalse(health.lowercased().contains("server: nginx/"), "server_tokens off hides the version")
        XCTAssertTrue(health.contains("\"x-forwarded-proto\": \"https\""), health)
        XCTAssertTrue(health.contains("\"x-forwarded-for\": \"127.0.0.1\""), health)
        XCTAssertTrue(health.contains("\"x-request-id\": \""), health)
        XCTAssertTrue(health.contains("\"path\": \"/health\""), health)

        // /metrics is not public; bodies over client_max_body_size get 413 before the backend.
        XCTAssertEqual(try httpStatus("\(https)/metrics"), "403")
        let big = String(repeating: "x", count: 4096)
        XCTAssertEqual(try httpStatus("\(https)/api/v1/detect", ["-X", "POST", "--data", big]), "413")

        // The API is rate limited per address: burst 2, then 429.
        var codes: [String] = []
        for _ in 0..<5 {
            codes.append(try httpStatus("\(https)/api/v1/detections"))
        }
        XCTAssertTrue(codes.contains("429"), "\(codes)")
        XCTAssertTrue(codes.contains("200"), "\(codes)")

        // Probes are not logged; API calls are.
        let accessLog = try String(contentsOf: site.appendingPathComponent("access.log"), encoding: .utf8)
        XCTAssertTrue(accessLog.contains("/api/v1/detections"), accessLog)
        XCTAssertFalse(accessLog.contains("/health"), accessLog)
    }

    // MARK: - The rendered alert rules fire when they should

    /// `promtool test rules` on the rendered rules: synthetic series for each condition, and the
    /// alerts (labels and annotations) expected at a given time. Values were computed by hand:
    /// 500s are 10 of 70 requests a minute (14.29%); with 1 of 10 requests a minute under 0.5 s and
    /// all under 1 s, p95 interpolates to 0.5 + 0.5 * 8.5 / 9 s = 972.2 ms.
    func testAlertRulesFireOnTheirConditions() throws {
        let out = try render(inventory: writeLabInventory())
        let app1 = #"job="detection-service", instance="10.213.0.12:8000", host="app1""#
        let app2 = #"job="detection-service", instance="10.213.0.13:8000", host="app2""#
        let tests = #"""
            rule_files:
              - rules/detection-service.rules.yml
            evaluation_interval: 1m
            tests:
              - interval: 1m
                input_series:
                  - series: 'up{\#(app1)}'
                    values: '1 1 0 0 0 0 0 0'
                  - series: 'up{\#(app2)}'
                    values: '1x30'
                  - series: 'detection_http_requests_total{\#(app2),
                      route="/api/v1/detect", method="POST", status="200"}'
                    values: '0+60x30'
                  - series: 'detection_http_requests_total{\#(app2),
                      route="/api/v1/detect", method="POST", status="500"}'
                    values: '0+10x30'
                  - series: 'detection_http_request_duration_seconds_bucket{\#(app2), route="/api/v1/detect", le="0.5"}'
                    values: '0+1x30'
                  - series: 'detection_http_request_duration_seconds_bucket{\#(app2), route="/api/v1/detect", le="1"}'
                    values: '0+10x30'
                  - series: 'detection_http_request_duration_seconds_bucket{\#(app2),
                      route="/api/v1/detect", le="+Inf"}'
                    values: '0+10x30'
                  - series: 'detection_anomalies_total{\#(app2), method="zscore", severity="critical"}'
                    values: '0 0 0 5 5 5 5 5'
                  - series: 'detection_anomalies_total{\#(app2), method="zscore", severity="low"}'
                    values: '0+3x30'
                alert_rule_test:
                  - eval_time: 1m
                    alertname: DetectionServiceInstanceDown
                    exp_alerts: []
                  - eval_time: 5m
                    alertname: DetectionServiceInstanceDown
                    exp_alerts:
                      - exp_labels:
                          {severity: critical, job: detection-service, instance: "10.213.0.12:8000", host: app1}
                        exp_annotations:
                          summary: "detection-service on app1 is down"
                          description: "Prometheus could not scrape 10.213.0.12:8000 for 2m."
                  - eval_time: 15m
                    alertname: DetectionServiceHighErrorRate
                    exp_alerts:
                      - exp_labels: {severity: warning, instance: "10.213.0.13:8000", host: app2}
                        exp_annotations:
                          summary: "detection-service on app2 answers too many 5xx"
                          description: "14.29% of requests failed over the last 5 minutes."
                  - eval_time: 5m
                    alertname: DetectionServiceHighLatencyP95
                    exp_alerts: []
                  - eval_time: 20m
                    alertname: DetectionServiceHighLatencyP95
                    exp_alerts:
                      - exp_labels: {severity: warning, instance: "10.213.0.13:8000", host: app2}
                        exp_annotations:
                          summary: "detection-service on app2 is slow"
                          description: "95th percentile latency is 972.2ms over the last 5 minutes."
                  - eval_time: 2m
                    alertname: DetectionCriticalAnomalies
                    exp_alerts: []
                  - eval_time: 5m
                    alertname: DetectionCriticalAnomalies
                    exp_alerts:
                      - exp_labels: {severity: critical}
                        exp_annotations:
                          summary: "Critical anomalies detected"
                          description: "5 critical anomalies in the last 15m."
              - interval: 1h
                input_series:
                  - series: 'detection_backup_last_success_timestamp_seconds{job="node",
                      instance="10.213.0.15:9100", host="db1"}'
                    values: '0x30'
                alert_rule_test:
                  - eval_time: 25h
                    alertname: DetectionBackupTooOld
                    exp_alerts: []
                  - eval_time: 27h
                    alertname: DetectionBackupTooOld
                    exp_alerts:
                      - exp_labels: {severity: critical}
                        exp_annotations:
                          summary: "No successful detection-service backup for 26 hours"
                          description: "The newest backup is 1d 3h 0m 0s old."
                  - eval_time: 27h
                    alertname: DetectionBackupMissing
                    exp_alerts: []
              - interval: 1h
                input_series:
                  - series: 'up{job="node", instance="10.213.0.15:9100", host="db1"}'
                    values: '1x30'
                alert_rule_test:
                  - eval_time: 27h
                    alertname: DetectionBackupMissing
                    exp_alerts:
                      - exp_labels: {severity: warning}
                        exp_annotations:
                          summary: "No host reports detection_backup_last_success_timestamp_seconds"
                          description: "The backup job never succeeded, or the node exporter textfile collector
                            does not see its file."

            """#
        let testFile = out.appendingPathComponent("prometheus/rules-test.yml")
        try tests.write(to: testFile, atomically: true, encoding: .utf8)
        let promtool = try XCTUnwrap(ExternalTool.promtool.locate())
        let result = try run(promtool, ["test", "rules", testFile.path])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("SUCCESS"), result.output)
    }

    // MARK: - The rendered backup script backs up a real database

    /// Runs the rendered detection-backup script against a throwaway PostgreSQL cluster (push to
    /// the backup host off: that needs the backups issue's SSH setup): a restorable dump, old
    /// dumps pruned, recent ones kept, and the success timestamp written for the node exporter.
    func testRenderedBackupScriptDumpsPrunesAndRecordsSuccess() throws {
        let postgresBin = try requirePostgreSQL()
        let asPostgres: [String] = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
        let pg = scratch.appendingPathComponent("pg", isDirectory: true)
        let backups = scratch.appendingPathComponent("backups", isDirectory: true)
        let textfile = scratch.appendingPathComponent("textfile", isDirectory: true)
        for directory in [pg, backups, textfile] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            if getuid() == 0 { XCTAssertEqual(try command(["/bin/chown", "postgres:", directory.path]).status, 0) }
        }
        let port = try freePorts(1)[0]
        let data = pg.appendingPathComponent("data").path
        let initdb = try command(asPostgres + ["\(postgresBin)/initdb", "-D", data, "-A", "trust", "-U", "postgres"])
        XCTAssertEqual(initdb.status, 0, initdb.output)
        // The server is our own child (setpriv execs, no daemon): pg_ctl's daemon would outlive
        // the test if it failed half-way, and Foundation's Process never saw pg_ctl exit.
        let asPostgresExec: [String] = getuid() == 0
            ? ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] : []
        let serverArgv = asPostgresExec + [
            "\(postgresBin)/postgres", "-D", data, "-k", pg.path, "-c", "listen_addresses=", "-p", "\(port)",
        ]
        let server = try startProcess(URL(fileURLWithPath: serverArgv[0]), Array(serverArgv.dropFirst()))
        defer {
            server.interrupt()  // SIGINT: fast shutdown
            server.waitUntilExit()
        }
        var ready = false
        for _ in 0..<100 where !ready {
            ready = try command(["\(postgresBin)/pg_isready", "-q", "-h", pg.path, "-p", "\(port)"]).status == 0
            if !ready { Thread.sleep(forTimeInterval: 0.1) }
        }
        XCTAssertTrue(ready, "PostgreSQL did not accept connections within 10 s")
        let psql = asPostgres + [
            "\(postgresBin)/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", pg.path, "-p", "\(port)",
        ]
        XCTAssertEqual(try command(psql + ["-c", "CREATE DATABASE detection"]).status, 0)
        let seed = try command(
            psql + ["-d", "detection", "-c", "CREATE TABLE runs (id int); INSERT INTO runs VALUES (42)"])
        XCTAssertEqual(seed.status, 0, seed.output)

        // A dump past the retention, and one within it.
        let old = backups.appendingPathComponent("detection-20200101T000000Z.dump")
        let recent = backups.appendingPathComponent("detection-20200102T000000Z.dump")
        for (file, age) in [(old, 20.0), (recent, 2.0)] {
            XCTAssertTrue(FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8)))
            try FileManager.default.setAttributes(
                [.modificationDate: Date().addingTimeInterval(-age * 86_400)], ofItemAtPath: file.path)
        }

        let inventory = try writeLabInventory()
        try (Self.labInventory + """
                detection_backup_dir: \(backups.path)
                detection_backup_textfile_dir: \(textfile.path)
                detection_backup_retention_days: 14
                detection_backup_push: false

            """).write(to: inventory.appendingPathComponent("hosts.yml"), atomically: true, encoding: .utf8)
        let out = try render(inventory: inventory)
        XCTAssertFalse(try read(out, "systemd/detection-backup.sh").contains("scp"), "push is off")
        // Installed where the postgres user can read it (the render output directory is private).
        let script = pg.appendingPathComponent("detection-backup")
        try FileManager.default.copyItem(at: out.appendingPathComponent("systemd/detection-backup.sh"), to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)

        let startedAt = Int(Date().timeIntervalSince1970)
        let backup = try command(
            asPostgres + ["/usr/bin/env", "PGHOST=\(pg.path)", "PGPORT=\(port)", "/bin/sh", script.path])
        XCTAssertEqual(backup.status, 0, backup.output)

        let dumps = try FileManager.default.contentsOfDirectory(atPath: backups.path).sorted()
        XCTAssertFalse(dumps.contains(old.lastPathComponent), "older than retention: pruned")
        XCTAssertTrue(dumps.contains(recent.lastPathComponent), "within retention: kept")
        let fresh = try XCTUnwrap(
            dumps.first { !$0.hasPrefix("detection-2020") && $0.hasSuffix(".dump") }, "\(dumps)")
        XCTAssertFalse(dumps.contains { $0.hasSuffix(".partial") }, "\(dumps)")
        let listing = try command(["\(postgresBin)/pg_restore", "--list", backups.appendingPathComponent(fresh).path])
        XCTAssertEqual(listing.status, 0, listing.output)
        XCTAssertTrue(listing.output.contains("TABLE DATA public runs"), listing.output)

        let metricsFile = textfile.appendingPathComponent("detection_backup.prom")
        let metrics = try String(contentsOf: metricsFile, encoding: .utf8)
        let stamp = metrics.split(separator: "\n")
            .first { $0.hasPrefix("detection_backup_last_success_timestamp_seconds ") }
            .flatMap { Int($0.split(separator: " ")[1]) }
        XCTAssertNotNil(stamp, metrics)
        XCTAssertGreaterThanOrEqual(stamp ?? 0, startedAt)
        let mode = try FileManager.default.attributesOfItem(atPath: metricsFile.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o644, "the node exporter (another user) must read it")
    }

    // MARK: - Each validator rejects a broken file and names it

    func testNginxValidatorNamesBrokenSite() throws {
        let out = try render(inventory: writeLabInventory())
        let site = out.appendingPathComponent("nginx/detection-service.conf")
        try replace(in: site, "client_max_body_size", with: "client_max_body_sizes")
        let failures = try NginxValidator(logger: logger).validate(outputDirectory: out)
        XCTAssertEqual(failures.map(\.file), [site.path])
        XCTAssertEqual(failures.first?.validator, "nginx -t")
        XCTAssertTrue(failures.first?.message.contains("unknown directive \"client_max_body_sizes\"") ?? false,
                      failures.first?.message ?? "")
        // nginx's file:line points at the rendered file, not at the validator's scratch copy.
        XCTAssertTrue(failures.first?.message.contains("\(site.path):") ?? false, failures.first?.message ?? "")
    }

    func testSystemdValidatorTreatsUnknownKeyAsFailure() throws {
        let out = try render(inventory: writeLabInventory())
        let unit = out.appendingPathComponent("systemd/detection-service.service")
        try replace(in: unit, "Restart=on-failure", with: "Restart=on-failure\nRestartEvery=5")
        let failures = try SystemdValidator(logger: logger).validate(outputDirectory: out)
        XCTAssertEqual(failures.map(\.file), [unit.path])
        XCTAssertEqual(failures.first?.validator, "systemd-analyze verify")
        XCTAssertTrue(failures.first?.message.contains("Unknown key 'RestartEvery'") ?? false,
                      failures.first?.message ?? "")
    }

    func testSystemdValidatorRejectsBadTimerScheduleFromInventory() throws {
        let inventory = try writeLabInventory()
        try (Self.labInventory + "    detection_backup_on_calendar: every day at noon\n")
            .write(to: inventory.appendingPathComponent("hosts.yml"), atomically: true, encoding: .utf8)
        let out = try render(inventory: inventory)
        let timer = out.appendingPathComponent("systemd/detection-backup.timer")
        let failures = try SystemdValidator(logger: logger).validate(outputDirectory: out)
        XCTAssertEqual(failures.map(\.file), [timer.path])
        XCTAssertTrue(
            failures.first?.message.contains("Failed to parse calendar specification") ?? false,
            failures.first?.message ?? "")
        XCTAssertTrue(failures.first?.message.contains("\(timer.path):") ?? false, "points at the rendered file")
    }

    func testSystemdValidatorRejectsWeakHardening() throws {
        let out = try render(inventory: writeLabInventory())
        let unit = out.appendingPathComponent("systemd/detection-service.service")
        let hardened = try String(contentsOf: unit, encoding: .utf8)
        let weakened = hardened.components(separatedBy: "# Hardening")[0] + "\n[Install]\nWantedBy=multi-user.target\n"
        try weakened.write(to: unit, atomically: true, encoding: .utf8)
        let failures = try SystemdValidator(logger: logger).validate(outputDirectory: out)
        XCTAssertEqual(failures.map(\.file), [unit.path])
        XCTAssertEqual(failures.first?.validator, "systemd-analyze security")
        XCTAssertTrue(
            failures.first?.message.contains("Overall exposure level") ?? false, failures.first?.message ?? "")
    }

    func testSystemdValidatorChecksBackupScriptSyntax() throws {
        let out = try render(inventory: writeLabInventory())
        let script = out.appendingPathComponent("systemd/detection-backup.sh")
        try replace(in: script, "mkdir -p \"$backup_dir\"", with: "if mkdir -p \"$backup_dir\"; then")
        let failures = try SystemdValidator(logger: logger).validate(outputDirectory: out)
        XCTAssertEqual(failures.map(\.file), [script.path])
        XCTAssertEqual(failures.first?.validator, "sh -n")
        XCTAssertTrue(failures.first?.message.contains("Syntax error") ?? false, failures.first?.message ?? "")
    }

    func testPrometheusValidatorNamesBadRuleFile() throws {
        let out = try render(inventory: writeLabInventory())
        let rules = out.appendingPathComponent("prometheus/rules/detection-service.rules.yml")
        try replace(in: rules, "up{job=\"node\"} == 0", with: "up{job=\"node\"} == 0 +")
        let failures = try PrometheusValidator(logger: logger).validate(outputDirectory: out)
        XCTAssertEqual(failures.map(\.file), [rules.path])
        XCTAssertEqual(failures.first?.validator, "promtool check rules")
        XCTAssertTrue(failures.first?.message.contains("parse error") ?? false, failures.first?.message ?? "")
    }

    func testPrometheusValidatorNamesBadConfig() throws {
        let out = try render(inventory: writeLabInventory())
        let config = out.appendingPathComponent("prometheus/prometheus.yml")
        try replace(in: config, "scrape_interval:", with: "scrape_intervall:")
        let failures = try PrometheusValidator(logger: logger).validate(outputDirectory: out)
        XCTAssertEqual(failures.map(\.file), [config.path])
        XCTAssertTrue(failures.first?.message.contains("scrape_intervall") ?? false, failures.first?.message ?? "")
    }

    func testKubernetesValidatorRejectsUnknownField() throws {
        let out = try render(inventory: writeLabInventory())
        let deployment = out.appendingPathComponent("kubernetes/20-deployment.yaml")
        try replace(in: deployment, "  revisionHistoryLimit: 5", with: "  revisionHistoryLimit: 5\n  replicaz: 2")
        let failures = try KubernetesValidator(kubernetesVersion: "1.30", logger: logger).validate(outputDirectory: out)
        XCTAssertEqual(failures.map(\.file), [deployment.path])
        XCTAssertTrue(failures.first?.message.contains("'replicaz' was unexpected") ?? false,
                      failures.first?.message ?? "")
    }

    func testStackValidatorReportsEveryBrokenFile() throws {
        let out = try render(inventory: writeLabInventory())
        try replace(in: out.appendingPathComponent("nginx/detection-service.conf"), "keepalive 32;", with: "keepalive;")
        try replace(in: out.appendingPathComponent("kubernetes/50-hpa.yaml"), "maxReplicas:", with: "maxReplica:")
        let failures = try StackValidator(logger: logger).validate(outputDirectory: out)
        XCTAssertEqual(Set(failures.map { URL(fileURLWithPath: $0.file).lastPathComponent }),
                       ["detection-service.conf", "50-hpa.yaml"], failures.map(\.description).joined(separator: "\n"))
    }

    // MARK: - Bad input

    func testMissingOutputDirectoryIsAClearError() throws {
        let missing = scratch.appendingPathComponent("never-rendered")
        XCTAssertThrowsError(try StackValidator(logger: logger).validate(outputDirectory: missing)) { error in
            XCTAssertEqual(error as? ValidatorError, .noOutput(directory: missing.path))
            XCTAssertTrue("\(error)".contains("opsctl render"), "\(error)")
        }
    }

    func testMissingToolNamesThePackageToInstall() throws {
        let tool = ExternalTool(name: "opsctl-no-such-validator", installHint: "apt-get install -y opsctl-nothing")
        XCTAssertNil(tool.locate())
        let message = "\(ValidatorError.toolsMissing([tool]))"
        XCTAssertTrue(message.contains("`opsctl-no-such-validator` not found"), message)
        XCTAssertTrue(message.contains("apt-get install -y opsctl-nothing"), message)
        XCTAssertNotNil(ExternalTool.nginx.locate(path: ""), "nginx is found in /usr/sbin even without PATH")
    }

    func testRenderWithoutDatabasePasswordFailsNamingTheVariable() throws {
        let inventory = scratch.appendingPathComponent("inventory-without-password", isDirectory: true)
        try FileManager.default.createDirectory(at: inventory, withIntermediateDirectories: true)
        try Self.labInventory.replacingOccurrences(of: "    detection_service_db_password: lab-password\n", with: "")
            .write(to: inventory.appendingPathComponent("hosts.yml"), atomically: true, encoding: .utf8)
        let out = scratch.appendingPathComponent("out")
        XCTAssertThrowsError(try render(inventory: inventory)) { error in
            XCTAssertTrue("\(error)".contains("'detection_service_db_password' is undefined"), "\(error)")
            XCTAssertTrue("\(error)".contains("detection-service.env.j2:8"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a failed render writes nothing")
    }

    func testFailedRenderLeavesPreviousOutputUntouched() throws {
        let inventory = try writeLabInventory()
        let out = try render(inventory: inventory)
        let before = try read(out, "systemd/detection-service.env")
        try Self.labInventory.replacingOccurrences(of: "    detection_service_db_password: lab-password\n", with: "")
            .write(to: inventory.appendingPathComponent("hosts.yml"), atomically: true, encoding: .utf8)
        let reader = DiskSourceReader()
        let renderer = try StackRenderer(
            templatesDirectory: Self.repository.appendingPathComponent("templates").path,
            inventory: try InventoryLoader(reader: reader).load([inventory.path]), reader: reader)
        XCTAssertThrowsError(try StackRenderer.write(try renderer.render(only: nil), to: out.path))
        XCTAssertEqual(try read(out, "systemd/detection-service.env"), before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
            .filter { $0.hasPrefix(".render-") || $0.contains(".old") }
        XCTAssertEqual(leftovers, [], "no staging directory left behind")
    }

    // MARK: - Helpers

    /// Answers every request with 200 and a JSON echo of the path and the headers it got.
    static let echoBackend = """
        import json, sys
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        class Echo(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                body = json.dumps({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}},
                                  indent=0).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            do_GET = do_POST = answer
            def log_message(self, *args):
                pass
        ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Echo).serve_forever()
        """

    /// The newest PostgreSQL server binaries; skip on a developer machine without them, fail in CI.
    func requirePostgreSQL() throws -> String {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        if let newest = versions.compactMap(Int.init).max(),
            FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\(newest)/bin/initdb")
        {
            return "/usr/lib/postgresql/\(newest)/bin"
        }
        let message = "the backup script test needs PostgreSQL (apt-get install -y postgresql)"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail(message)
            throw ValidatorError.toolsMissing(
                [ExternalTool(name: "initdb", installHint: "apt-get install -y postgresql")])
        }
        throw XCTSkip(message)
    }

    func command(_ argv: [String]) throws -> (status: Int32, output: String) {
        try run(URL(fileURLWithPath: argv[0]), Array(argv.dropFirst()))
    }

    func freePorts(_ count: Int) throws -> [Int] {
        let script = """
            import socket
            socks = [socket.socket() for _ in range(\(count))]
            for s in socks: s.bind(("127.0.0.1", 0))
            print(" ".join(str(s.getsockname()[1]) for s in socks))
            """
        let result = try python(["-c", script])
        let ports = result.output.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard ports.count == count else {
            throw ValidatorError.toolFailed(command: "free ports", status: result.status, output: result.output)
        }
        return ports
    }

    func startProcess(_ executable: URL, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Output goes to a file, not a pipe: a daemon the command leaves behind would inherit the
    /// descriptor, and a pipe would then never reach end of file.
    func run(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let outputFile = scratch.appendingPathComponent("output-\(UUID().uuidString)")
        XCTAssertTrue(FileManager.default.createFile(atPath: outputFile.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let handle = try FileHandle(forWritingTo: outputFile)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        let output = try String(contentsOf: outputFile, encoding: .utf8)
        return (process.terminationStatus, output)
    }

    /// curl against the local nginx only (self-signed certificate: -k); returns its output.
    func curl(_ arguments: [String]) throws -> String {
        let result = try run(URL(fileURLWithPath: "/usr/bin/curl"), ["-sS", "-k", "--max-time", "10"] + arguments)
        XCTAssertEqual(result.status, 0, "curl \(arguments): \(result.output)")
        return result.output
    }

    func httpStatus(_ url: String, _ options: [String] = []) throws -> String {
        try curl(["-o", "/dev/null", "-w", "%{http_code}"] + options + [url])
    }

    func waitUntilAnswering(_ url: String) throws {
        for _ in 0..<50 {
            let probe = try run(
                URL(fileURLWithPath: "/usr/bin/curl"), ["-sk", "-o", "/dev/null", "-w", "%{http_code}", url])
            if probe.output == "200" { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("\(url) did not answer 200 within 5 s")
    }

    var renderScript: URL { Self.repository.appendingPathComponent("bench/render/render_stack.py") }

    /// Missing validators or Python jinja2 skip the test on a developer machine, and fail it in CI.
    func requirePrerequisites() throws {
        var missing = StackValidator(logger: logger).missingTools().map { "\($0.name) (\($0.installHint))" }
        let probe = try? python(["-c", "import jinja2, yaml"])
        if probe?.status != 0 {
            missing.append("python3 with jinja2 and PyYAML (pip install jinja2 pyyaml)")
        }
        if !FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") {
            missing.append("curl (apt-get install -y curl)")
        }
        guard !missing.isEmpty else { return }
        let message = "render validation needs: " + missing.joined(separator: ", ")
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail(message)
            throw ValidatorError.toolsMissing(StackValidator(logger: logger).missingTools())
        }
        throw XCTSkip(message)
    }

    func writeLabInventory() throws -> URL {
        let inventory = scratch.appendingPathComponent("lab-inventory", isDirectory: true)
        try FileManager.default.createDirectory(at: inventory, withIntermediateDirectories: true)
        try Self.labInventory.write(
            to: inventory.appendingPathComponent("hosts.yml"), atomically: true, encoding: .utf8)
        return inventory
    }

    /// Renders with opsctl's own engine (`opsctl render`'s library).
    func render(inventory: URL) throws -> URL {
        let out = scratch.appendingPathComponent("out-\(UUID().uuidString)", isDirectory: true)
        let reader = DiskSourceReader()
        let renderer = try StackRenderer(
            templatesDirectory: Self.repository.appendingPathComponent("templates").path,
            inventory: try InventoryLoader(reader: reader).load([inventory.path]), reader: reader)
        try StackRenderer.write(try renderer.render(only: nil), to: out.path)
        return out
    }

    /// Renders with Python jinja2 configured as Ansible's template module: the reference.
    func renderWithPython(inventory: URL) throws -> URL {
        let out = scratch.appendingPathComponent("py-\(UUID().uuidString)", isDirectory: true)
        let run = try python([renderScript.path, "-i", inventory.path, "--out", out.path])
        guard run.status == 0 else {
            XCTFail("render_stack.py failed (\(run.status)): \(run.output)")
            throw ValidatorError.toolFailed(command: "render_stack.py", status: run.status, output: run.output)
        }
        return out
    }

    func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try run(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments)
    }

    func read(_ out: URL, _ file: String) throws -> String {
        try String(contentsOf: out.appendingPathComponent(file), encoding: .utf8)
    }

    func replace(in file: URL, _ old: String, with new: String) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        XCTAssertTrue(text.contains(old), "\(file.lastPathComponent) should contain \(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
    }
}
