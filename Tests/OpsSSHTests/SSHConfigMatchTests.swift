import Foundation
import OpsSSH
import OpsTransport
import XCTest

/// Include, Match and tokens, checked against OpenSSH's own reading of the same files (`ssh -G`).
final class SSHConfigMatchTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("opsctl-sshcfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// What `ssh -G` says, reduced to the keywords opsctl reads (values in order, for IdentityFile's).
    func openSSH(_ file: String, host: String, user: String?) throws -> [String: [String]] {
        try requirePrerequisite(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh"),
            "/usr/bin/ssh (apt-get install openssh-client)")
        let output = try TestSSHServer.run(
            "/usr/bin/ssh", ["-G", "-F", file] + (user.map { ["-l", $0] } ?? []) + [host])
        let keys: Set<String> = ["hostname", "user", "port", "identityfile", "proxyjump"]
        var result: [String: [String]] = [:]
        for line in output.split(separator: "\n") {
            let key = String(line.prefix { $0 != " " })
            if keys.contains(key) { result[key, default: []].append(String(line.dropFirst(key.count + 1))) }
        }
        return result
    }

    /// The same, as opsctl reads it.
    func opsctl(_ file: String, host: String, user: String?) throws -> [String: [String]] {
        let config = try SSHConfig.load(path: file, sshDirectory: directory.path)
        let options = config.options(for: SSHConfig.Target(host: host, user: user, defaultUser: "root"))
        let hostName = options.hostName.map { SSHConfig.Tokens(remoteHost: host, originalHost: host).expand($0) }
        var result: [String: [String]] = [
            "hostname": [hostName ?? host],
            "user": [user ?? options.user ?? "root"],
            "port": ["\(options.port ?? 22)"],
        ]
        if !options.identityFiles.isEmpty { result["identityfile"] = options.identityFiles }
        if let jumps = options.proxyJump, !jumps.isEmpty { result["proxyjump"] = [jumps.joined(separator: ",")] }
        return result
    }

    func testMatchIncludeAndPatternsAgreeWithOpenSSH() throws {
        let includes = directory.appendingPathComponent("conf.d").path
        try write("conf.d/20-late.conf", "Host db*\n  Port 2020\n  User late\n")
        try write("conf.d/10-early.conf", "Host db*\n  Port 1010\n")
        try write(
            "conf.d/only-for-app.conf", "IdentityFile /keys/app-included\nHost *\n  IdentityFile /keys/in-include\n")
        let main = try write(
            "config",
            """
            Include \(includes)/??-*.conf
            Host app? !app9
              HostName %h.internal
              Include \(includes)/only-for-app.conf
              IdentityFile /keys/app-after-include
            Match host *.internal user deploy
              Port 2222
              IdentityFile /keys/deploy-internal
            Match originalhost app2 !user deploy
              ProxyJump bastion.example:2200
            Match user ops,admin*
              IdentityFile /keys/ops-or-admin
            Match localuser nobody-here
              Port 9
            Host web-* db?
              User web
            Match all
              IdentityFile /keys/everyone
              Port 2099
            """)
        let cases: [(String, String?)] = [
            ("app1", nil), ("app1", "deploy"), ("app2", nil), ("app2", "deploy"), ("app9", nil),
            ("db1", nil), ("db10", "ops"), ("web-1", "administrator"), ("other", nil),
        ]
        for (host, user) in cases {
            XCTAssertEqual(
                try opsctl(main, host: host, user: user), try openSSH(main, host: host, user: user),
                "host \(host), user \(user ?? "-")")
        }
    }

    func testUnsupportedMatchCriteriaNeverApplyAndRunNothing() throws {
        let marker = directory.appendingPathComponent("exec-ran").path
        let config = try SSHConfig.parse(
            """
            Match exec "touch \(marker)"
              User from-exec
            Match !exec "touch \(marker)"
              User from-negated-exec
            Match final all
              User from-final
            Match canonical host x
              User from-canonical
            Host *
              User plain
            """, file: "/cfg")
        let options = config.options(for: SSHConfig.Target(host: "x"))
        XCTAssertEqual(options.user, "plain")
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "a Match exec command was run")
        XCTAssertEqual(options.notes.count, 4, "\(options.notes)")
        XCTAssertEqual(
            options.notes.first, "/cfg:1: `Match exec` is not supported by opsctl (no command is run): "
                + "the block does not apply")
        // The notes reach the settings, for the connector's debug log.
        let settings = ConnectionSettings(name: "x").resolved(with: config)
        XCTAssertEqual(settings.user, "plain")
        XCTAssertEqual(settings.sshConfigNotes, options.notes)
    }

    func testIncludeIsRelativeToTheSSHDirectoryAndConditional() throws {
        try write("extra.conf", "Port 2201\nHost *\n  User included\n")
        try write("never.conf", "IdentityFile /keys/never\n")
        let config = try SSHConfig.parse(
            """
            Host nomatch
              Include never.conf
            Host *
              Include extra.conf missing-*.conf
              User after-include
            """, file: "cfg", sshDirectory: directory.path)
        let options = config.options(for: "h")
        XCTAssertEqual(options.port, 2201)
        XCTAssertEqual(options.user, "included", "the included file's value came first")
        XCTAssertEqual(options.identityFiles, [], "an Include inside a non-matching Host applies to nobody")
        XCTAssertEqual(config.options(for: "nomatch").identityFiles, ["/keys/never"])
    }

    func testIncludeLoopStopsAtTheDepthLimit() throws {
        let loop = try write("loop.conf", "Include \(directory.appendingPathComponent("loop.conf").path)\n")
        XCTAssertThrowsError(try SSHConfig.load(path: loop, sshDirectory: directory.path)) { error in
            let failure = error as? SSHConfigError
            XCTAssertEqual(failure?.file, loop)
            XCTAssertEqual(failure?.line, 1)
            XCTAssertTrue("\(error)".contains("nested deeper than 16"), "\(error)")
        }
    }

    func testMalformedMatchAndIncludeLines() {
        let cases: [(String, String)] = [
            ("Match\n", "/c:1:1: `Match` needs criteria, for example `Match host web*` or `Match all`"),
            ("Match host\n", "/c:1:1: `Match host` needs an argument"),
            ("Match all host x\n", "/c:1:1: `Match all` must stand alone (or follow canonical or final)"),
            ("Match host x all\n", "/c:1:1: `Match all` must stand alone (or follow canonical or final)"),
            ("Include\n", "/c:1:1: `Include` needs a file name or glob"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try SSHConfig.parse(text, file: "/c"), text) { XCTAssertEqual("\($0)", message) }
        }
        XCTAssertThrowsError(try SSHConfig.parse("Host a\n  Match hots a\n", file: "/c")) { error in
            XCTAssertTrue("\(error)".hasPrefix("/c:2:3: unknown `Match` criterion `hots`"), "\(error)")
        }
    }

    func testTokensExpandAsOpenSSHDocuments() throws {
        let config = try SSHConfig.parse(
            """
            Host app1
              HostName %h.internal
              Port 2202
              IdentityFile /keys/%h/%r@%p-%n-%u-%%-%k
              IdentityFile %d/.ssh/id_%L
              ProxyJump %r@jump-%n
            """, file: "cfg")
        var settings = ConnectionSettings(name: "app1", user: "deploy")
        settings = settings.resolved(with: config, explicit: [.user])
        let local = SSHConfig.Tokens.localUserName
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        XCTAssertEqual(settings.address, "app1.internal")
        XCTAssertEqual(settings.identityFiles.first, "/keys/app1.internal/deploy@2202-app1-\(local)-%-app1")
        XCTAssertTrue(settings.identityFiles.last?.hasPrefix(home + "/.ssh/id_") == true, "\(settings.identityFiles)")
        XCTAssertFalse(settings.identityFiles.last?.contains("%") == true)
        XCTAssertEqual(settings.jumpHosts.map(\.address), ["jump-app1"])
        XCTAssertEqual(settings.jumpHosts.map(\.user), ["deploy"])
    }

    func testUnknownTokensAreRefusedWithPosition() {
        XCTAssertThrowsError(try SSHConfig.parse("Host a\n  IdentityFile /k/%C\n", file: "/c")) { error in
            XCTAssertEqual(
                "\(error)",
                "/c:2:3: `%C` is not a token identityfile accepts (it accepts %% %d %h %i %k %L %l %n %p %r %u)")
        }
        XCTAssertThrowsError(try SSHConfig.parse("Host a\n  HostName %r.example\n", file: "/c")) { error in
            XCTAssertEqual("\(error)", "/c:2:3: `%r` is not a token hostname accepts (it accepts %% %h)")
        }
        XCTAssertThrowsError(try SSHConfig.parse("IdentityFile /k/100%\n", file: "/c")) { error in
            XCTAssertEqual("\(error)", "/c:1:1: `/k/100%` ends with a lone `%` (write `%%` for a percent sign)")
        }
    }
}
