import Foundation
import Jinja
import OpsEngine
import XCTest

/// `uri` end to end: playbooks run in-process against a real server on loopback.
final class URIModuleTests: XCTestCase {
    var server: TestServer!

    override func setUpWithError() throws {
        server = try TestServer()
    }

    override func tearDown() {
        server?.stop()
    }

    func testGetJSONReturnsAnsibleValues() throws {
        let run = try runPlaybook(
            """
            - name: get
              uri:
                url: \(server.base)/json
            """)
        XCTAssertEqual(run.code, 0)
        let r = try run.result("get")
        XCTAssertEqual(r["status"], .int(200))
        XCTAssertEqual(r["url"], .string(server.base + "/json"))
        XCTAssertEqual(r["redirected"], .bool(false))
        XCTAssertEqual(r["changed"], .bool(false))
        XCTAssertEqual(r["failed"], .bool(false))
        XCTAssertEqual(r["content_type"], .string("application/json"))
        let length = try XCTUnwrap(r["content_length"]?.stringValue)
        XCTAssertEqual(r["msg"], .string("OK (\(length) bytes)"))
        XCTAssertEqual(r["json"]?.dictValue?["hello"], .string("world"))
        XCTAssertEqual(r["json"]?.dictValue?["items"], .list([.int(1), .int(2)]))
        XCTAssertNil(r["content"], "content only with return_content")
        XCTAssertNotNil(r["elapsed"]?.intValue)
        XCTAssertNotNil(r["server"], "response headers are returned")
    }

    func testReturnContentHeadersAndCookies() throws {
        let run = try runPlaybook(
            """
            - name: text
              uri: url=\(server.base)/text return_content=yes
            - name: headers
              uri:
                url: \(server.base)/headers
            - name: cookies
              uri:
                url: \(server.base)/cookies
            """)
        XCTAssertEqual(run.code, 0)
        let text = try run.result("text")
        XCTAssertEqual(text["content"], .string("plain text body\n"))
        XCTAssertNil(text["json"])
        let headers = try run.result("headers")
        XCTAssertEqual(headers["x_custom_header"], .string("yes"))
        XCTAssertEqual(headers["x_request_id"], .string("42"))
        let cookies = try run.result("cookies")
        XCTAssertEqual(cookies["cookies"], .dict(["session": .string("abc123"), "theme": .string("dark")]))
        XCTAssertEqual(cookies["cookies_string"], .string("session=abc123; theme=dark"))
        XCTAssertEqual(cookies["set_cookie"], .string("session=abc123; Path=/, theme=dark; Path=/"))
    }

    func testUnexpectedStatusFailsWithAnsiblesMessage() throws {
        let run = try runPlaybook(
            """
            - name: five hundred
              uri:
                url: \(server.base)/status/500
              ignore_errors: true
            - name: listed
              uri:
                url: \(server.base)/status/404
                status_code: [200, 404]
            - name: single
              uri:
                url: \(server.base)/status/201
                status_code: 201
            - name: as string
              uri: url=\(server.base)/status/202 status_code=200,202
            """)
        XCTAssertEqual(run.code, 0)
        let failed = try run.result("five hundred")
        XCTAssertEqual(failed["failed"], .bool(true))
        XCTAssertEqual(failed["status"], .int(500))
        XCTAssertEqual(
            failed["msg"], .string("Status code was 500 and not [200]: HTTP Error 500: Internal Server Error"))
        XCTAssertEqual(failed["content"], .string("status 500\n"), "the body comes back on an unexpected status")
        XCTAssertEqual(try run.result("listed")["status"], .int(404))
        XCTAssertEqual(try run.result("listed")["failed"], .bool(false))
        XCTAssertEqual(try run.result("single")["msg"]?.stringValue?.hasPrefix("OK ("), true)
        XCTAssertEqual(try run.result("as string")["status"], .int(202))
    }

    func testBodiesJSONFormAndRaw() throws {
        let run = try runPlaybook(
            """
            - name: json
              uri:
                url: \(server.base)/echo
                method: POST
                body_format: json
                body: {name: web, replicas: 3}
            - name: form
              uri:
                url: \(server.base)/echo
                method: put
                body_format: form-urlencoded
                body:
                  user: ann smith
                  tags: [a, "b&c"]
            - name: raw
              uri:
                url: \(server.base)/echo
                method: PATCH
                body: "plain {{ 1 + 1 }}"
                headers:
                  Content-Type: text/plain
                  X-Trace: abc
            """)
        XCTAssertEqual(run.code, 0)
        let json = try XCTUnwrap(try run.result("json")["json"]?.dictValue)
        XCTAssertEqual(json["method"], .string("POST"))
        XCTAssertEqual(
            try JSON.parse(json["body"]!.stringValue!), .dict(["name": .string("web"), "replicas": .int(3)]))
        XCTAssertEqual(json["headers"]?.dictValue?["content-type"], .string("application/json"))
        let form = try XCTUnwrap(try run.result("form")["json"]?.dictValue)
        XCTAssertEqual(form["method"], .string("PUT"))
        XCTAssertEqual(form["body"], .string("user=ann+smith&tags=a&tags=b%26c"))
        XCTAssertEqual(form["headers"]?.dictValue?["content-type"], .string("application/x-www-form-urlencoded"))
        let raw = try XCTUnwrap(try run.result("raw")["json"]?.dictValue)
        XCTAssertEqual(raw["method"], .string("PATCH"))
        XCTAssertEqual(raw["body"], .string("plain 2"))
        XCTAssertEqual(raw["headers"]?.dictValue?["content-type"], .string("text/plain"))
        XCTAssertEqual(raw["headers"]?.dictValue?["x-trace"], .string("abc"))
    }

    func testRedirectsAndAbsoluteLocation() throws {
        let run = try runPlaybook(
            """
            - name: followed
              uri:
                url: \(server.base)/redirect?to=/json
            - name: not followed
              uri:
                url: \(server.base)/redirect?to=/json
                follow_redirects: none
                status_code: 302
            - name: post is not redirected by default
              uri:
                url: \(server.base)/redirect?to=/echo&code=303
                method: POST
                status_code: 303
            """)
        XCTAssertEqual(run.code, 0)
        let followed = try run.result("followed")
        XCTAssertEqual(followed["redirected"], .bool(true))
        XCTAssertEqual(followed["url"], .string(server.base + "/json"))
        XCTAssertEqual(followed["json"]?.dictValue?["hello"], .string("world"))
        let stopped = try run.result("not followed")
        XCTAssertEqual(stopped["status"], .int(302))
        XCTAssertEqual(stopped["location"], .string(server.base + "/json"))
        XCTAssertEqual(stopped["redirected"], .bool(false))
        XCTAssertEqual(try run.result("post is not redirected by default")["status"], .int(303))
        let bare = try runPlaybook("- name: no path\n  uri: url=\(server.base)")
        XCTAssertEqual(try bare.result("no path")["url"], .string(server.base), "reported as given")
        XCTAssertEqual(try bare.result("no path")["redirected"], .bool(false))
    }

    func testBasicAuth() throws {
        let run = try runPlaybook(
            """
            - name: forced
              uri:
                url: \(server.base)/auth
                url_username: admin
                url_password: s3cret
                force_basic_auth: yes
                return_content: yes
            - name: on challenge
              uri:
                url: \(server.base)/auth
                user: admin
                password: s3cret
            - name: without
              uri:
                url: \(server.base)/auth
              ignore_errors: true
            """)
        XCTAssertEqual(run.code, 0)
        XCTAssertEqual(try run.result("forced")["content"], .string("welcome\n"))
        XCTAssertEqual(try run.result("on challenge")["status"], .int(200))
        let without = try run.result("without")
        XCTAssertEqual(without["status"], .int(401))
        XCTAssertEqual(without["msg"], .string("Status code was 401 and not [200]: HTTP Error 401: Unauthorized"))
        XCTAssertEqual(without["www_authenticate"], .string("Basic realm=\"test\""))
    }

    /// The health gate: a service that starts late, polled with until/retries.
    func testUntilRetriesWaitsForALateService() throws {
        let port = try TestServer.freePort()
        let late = try TestServer(delayedOn: port, delay: 1.5)
        defer { late.stop() }
        let run = try runPlaybook(
            """
            - name: health
              uri:
                url: http://127.0.0.1:\(port)/json
                timeout: 2
              register: health
              until: health.status == 200
              retries: 10
              delay: 1
            """)
        XCTAssertEqual(run.code, 0)
        let r = try run.result("health")
        XCTAssertEqual(r["status"], .int(200))
        XCTAssertGreaterThan(r["attempts"]?.intValue ?? 0, 1)
        XCTAssertTrue(
            run.events.warnings.contains { $0.contains("FAILED - RETRYING: health") }, "\(run.events.warnings)")
    }

    func testNoResponseIsStatusMinusOne() throws {
        let port = try TestServer.freePort()
        let start = Date()
        let run = try runPlaybook(
            """
            - name: refused
              uri:
                url: http://127.0.0.1:\(port)/
              ignore_errors: true
            - name: slow
              uri:
                url: \(server.base)/delay/5
                timeout: 1
              ignore_errors: true
            """)
        XCTAssertLessThan(Date().timeIntervalSince(start), 4.5)
        let refused = try run.result("refused")
        XCTAssertEqual(refused["status"], .int(-1))
        XCTAssertEqual(refused["failed"], .bool(true))
        let msg = try XCTUnwrap(refused["msg"]?.stringValue)
        XCTAssertTrue(msg.hasPrefix("Status code was -1 and not [200]: Request failed: "), msg)
        XCTAssertTrue(msg.contains("curl error 7"), msg)
        let slow = try XCTUnwrap(try run.result("slow")["msg"]?.stringValue)
        XCTAssertTrue(slow.contains("curl error 28"), slow)
    }

    func testValidateCertsAndCAPath() throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let tlsServer = try TestServer(["--cert", tls.serverCert, "--key", tls.serverKey], tls: true)
        defer { tlsServer.stop() }
        let run = try runPlaybook(
            """
            - name: verified
              uri:
                url: \(tlsServer.base)/json
              ignore_errors: true
            - name: not verified
              uri:
                url: \(tlsServer.base)/json
                validate_certs: no
            - name: own CA
              uri:
                url: https://localhost:\(tlsServer.port)/json
                ca_path: \(tls.serverCert)
            """)
        let verified = try run.result("verified")
        XCTAssertEqual(verified["failed"], .bool(true))
        XCTAssertTrue(verified["msg"]?.stringValue?.lowercased().contains("certificate") == true, "\(verified)")
        XCTAssertEqual(try run.result("not verified")["status"], .int(200))
        XCTAssertEqual(try run.result("own CA")["json"]?.dictValue?["hello"], .string("world"))
    }

    func testCheckModeSkipsLikeAnsible() throws {
        let run = try runPlaybook(
            """
            - name: skipped
              uri:
                url: \(server.base)/json
            - name: forced to run
              uri:
                url: \(server.base)/json
              check_mode: false
            - name: bad input still fails
              uri:
                url: \(server.base)/json
                status_code: fine
              ignore_errors: true
            """, check: true)
        XCTAssertEqual(run.code, 0)
        let skipped = try run.outcome("skipped")
        XCTAssertEqual(skipped.status, .skipped)
        XCTAssertEqual(skipped.result.msg, "remote module (uri) does not support check mode")
        XCTAssertEqual(try run.result("forced to run")["status"], .int(200))
        XCTAssertEqual(try run.outcome("bad input still fails").status, .failed)
    }

    func testCreatesAndRemovesOnTheControlNode() throws {
        let run = try runPlaybook(
            """
            - name: creates
              uri:
                url: http://127.0.0.1:1/never
                creates: /
            - name: removes
              uri:
                url: http://127.0.0.1:1/never
                removes: /nonexistent-\(UUID().uuidString)
            """)
        XCTAssertEqual(run.code, 0)
        XCTAssertEqual(try run.result("creates")["stdout"], .string("skipped, since '/' exists"))
        XCTAssertNil(try run.result("removes")["status"])
    }

    func testBadArgumentsNameTheArgument() throws {
        let run = try runPlaybook(
            """
            - name: method
              uri:
                url: \(server.base)/json
                method: GE T
              ignore_errors: true
            - name: url
              uri:
                url: 127.0.0.1:\(server.port)/json
              ignore_errors: true
            - name: status
              uri:
                url: \(server.base)/json
                status_code: [200, ok]
              ignore_errors: true
            - name: timeout
              uri:
                url: \(server.base)/json
                timeout: soon
              ignore_errors: true
            """)
        func msg(_ task: String) throws -> String { try run.result(task)["msg"]?.stringValue ?? "" }
        XCTAssertEqual(
            try msg("method"), "uri: method must be a single word in uppercase, like GET or POST, got \"GE T\"")
        XCTAssertEqual(
            try msg("url"), "uri: url must be an http:// or https:// URL, got \"127.0.0.1:\(server.port)/json\"")
        let status = try msg("status")
        XCTAssertTrue(status.hasPrefix("uri: status_code must be an HTTP status code"), status)
        XCTAssertTrue(status.contains("\"ok\""), status)
        XCTAssertEqual(try msg("timeout"), "uri: timeout must be an integer, got soon")
        for task in ["method", "url", "status", "timeout"] {
            XCTAssertNil(try run.result(task)["status"], "\(task): no request was sent")
        }
    }

    func testLoaderRejectsUnknownArgumentsAndChoices() throws {
        let unknown = try XCTUnwrap(
            loadError(
                """
                - uri:
                    url: http://127.0.0.1/
                    methd: GET
                """))
        XCTAssertTrue(unknown.contains("uri has no argument \"methd\" (did you mean \"method\"?)"), unknown)
        let choice = try XCTUnwrap(
            loadError(
                """
                - uri:
                    url: http://127.0.0.1/
                    body_format: xml
                """))
        XCTAssertTrue(choice.contains("uri: body_format must be one of raw, json, form-urlencoded"), choice)
        let missing = try XCTUnwrap(
            loadError(
                """
                - uri:
                    method: GET
                """))
        XCTAssertTrue(missing.contains("uri needs the argument \"url\""), missing)
        let both = try XCTUnwrap(
            loadError(
                """
                - uri:
                    url: http://127.0.0.1/
                    body: x
                    src: file.json
                """))
        XCTAssertTrue(both.contains("body and src cannot be used together"), both)
    }
}
