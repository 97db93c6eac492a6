import Foundation
import Jinja
import OpsHTTP
import XCTest

/// OpsHTTP against a real Python HTTP(S) server on loopback.
final class HTTPClientTests: XCTestCase {
    var server: TestServer!

    override func setUpWithError() throws {
        server = try TestServer()
    }

    override func tearDown() {
        server?.stop()
    }

    func get(_ path: String, _ configure: (inout HTTPRequest) -> Void = { _ in }) throws -> HTTPResponse {
        var request = HTTPRequest(url: server.base + path)
        configure(&request)
        return try HTTPClient().perform(request)
    }

    func testGetReturnsStatusHeadersBodyAndTimings() throws {
        let r = try get("/json")
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.reason, "OK")
        XCTAssertEqual(r.url, server.base + "/json")
        XCTAssertEqual(r.header("content-type"), "application/json")
        XCTAssertEqual(r.header("Content-Length"), String(r.body.count))
        let json = try JSON.parse(r.bodyText)
        XCTAssertEqual(json.dictValue?["hello"], .string("world"))
        XCTAssertEqual(r.redirectCount, 0)
        XCTAssertGreaterThan(r.timings.total, 0)
        XCTAssertLessThanOrEqual(r.timings.connect, r.timings.total)
        XCTAssertEqual(r.timings.tlsHandshake, 0)
    }

    func testErrorStatusIsAResponseWithItsReason() throws {
        let r = try get("/status/503")
        XCTAssertEqual(r.status, 503)
        XCTAssertEqual(r.reason, "Service Unavailable")
        XCTAssertEqual(r.bodyText, "status 503\n")
    }

    func testMethodsBodyAndHeadersReachTheServer() throws {
        let client = try HTTPClient()
        for method in ["POST", "PUT", "PATCH", "DELETE"] {
            var request = HTTPRequest(method: method, url: server.base + "/echo", body: Data("payload-\(method)".utf8))
            request.headers = [("X-Test", "one"), ("Content-Type", "text/plain")]
            let r = try client.perform(request)
            let echo = try JSON.parse(r.bodyText).dictValue!
            XCTAssertEqual(echo["method"], .string(method))
            XCTAssertEqual(echo["body"], .string("payload-\(method)"))
            let headers = echo["headers"]!.dictValue!
            XCTAssertEqual(headers["x-test"], .string("one"))
            XCTAssertEqual(headers["content-type"], .string("text/plain"))
            XCTAssertNil(headers["expect"], "no 100-continue round trip")
        }
        let head = try client.perform(HTTPRequest(method: "HEAD", url: server.base + "/json"))
        XCTAssertEqual(head.status, 200)
        XCTAssertTrue(head.body.isEmpty)
        XCTAssertNotNil(head.header("Content-Length"))
    }

    func testRedirectPolicies() throws {
        let followed = try get("/redirect?to=/json")
        XCTAssertEqual(followed.status, 200)
        XCTAssertEqual(followed.url, server.base + "/json")
        XCTAssertEqual(followed.redirectCount, 1)

        let stopped = try get("/redirect?to=/json") { $0.redirects = .none }
        XCTAssertEqual(stopped.status, 302)
        XCTAssertEqual(stopped.header("Location"), "/json")

        // safe: a POST is not redirected; all: it is (303 turns it into a GET).
        var post = HTTPRequest(method: "POST", url: server.base + "/redirect?to=/echo&code=303", body: Data("x".utf8))
        XCTAssertEqual(try HTTPClient().perform(post).status, 303)
        post.redirects = .all
        let r = try HTTPClient().perform(post)
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(try JSON.parse(r.bodyText).dictValue?["method"], .string("GET"))
    }

    func testRedirectToAnotherSchemeIsRefused() throws {
        XCTAssertThrowsError(try get("/redirect?to=file:///etc/passwd") { $0.redirects = .all }) { error in
            XCTAssertEqual((error as? HTTPError)?.code, 1, "CURLE_UNSUPPORTED_PROTOCOL: \(error)")
        }
    }

    func testBasicAuthOnChallengeAndForced() throws {
        XCTAssertEqual(try get("/auth").status, 401)
        let challenged = try get("/auth") {
            $0.username = "admin"
            $0.password = "s3cret"
        }
        XCTAssertEqual(challenged.status, 200)
        let forced = try get("/auth") {
            $0.username = "admin"
            $0.password = "s3cret"
            $0.forceBasicAuth = true
        }
        XCTAssertEqual(forced.status, 200)
        XCTAssertEqual(forced.bodyText, "welcome\n")
        let wrong = try get("/auth") {
            $0.username = "admin"
            $0.password = "nope"
            $0.forceBasicAuth = true
        }
        XCTAssertEqual(wrong.status, 401)
    }

    func testCookiesFromEveryHop() throws {
        let r = try get("/cookies")
        XCTAssertEqual(r.setCookies, ["session=abc123; Path=/", "theme=dark; Path=/"])
    }

    func testConnectionRefusedNamesURLAndCurlCode() throws {
        let port = try TestServer.freePort()
        let url = "http://127.0.0.1:\(port)/health"
        XCTAssertThrowsError(try HTTPClient().perform(HTTPRequest(url: url))) { error in
            guard let e = error as? HTTPError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.kind, .connect)
            XCTAssertEqual(e.code, 7)
            XCTAssertEqual(e.url, url)
            XCTAssertTrue(e.message.contains("127.0.0.1"), e.message)
            XCTAssertTrue(e.description.contains(url), e.description)
            XCTAssertTrue(e.description.contains("curl error 7"), e.description)
        }
    }

    func testTotalAndIdleTimeouts() throws {
        for configure: (inout HTTPRequest) -> Void in [{ $0.timeout = 1 }, { $0.idleTimeout = 1 }] {
            let start = Date()
            XCTAssertThrowsError(try get("/delay/4", configure)) { error in
                XCTAssertEqual((error as? HTTPError)?.kind, .timeout, "\(error)")
                XCTAssertEqual((error as? HTTPError)?.code, 28)
            }
            XCTAssertLessThan(Date().timeIntervalSince(start), 3.5)
        }
        XCTAssertEqual(try get("/delay/0.2") { $0.timeout = 5 }.status, 200)
    }

    func testBadURLsAreRefusedBeforeSending() throws {
        for url in ["http://", "not a url at all", "file:///etc/hostname", "gopher://127.0.0.1/"] {
            XCTAssertThrowsError(try HTTPClient().perform(HTTPRequest(url: url)), url) { error in
                guard let e = error as? HTTPError else { return XCTFail("\(error)") }
                XCTAssertEqual(e.kind, .invalidRequest, "\(url): \(e)")
                XCTAssertEqual(e.url, url)
            }
        }
    }

    func testUnixSocket() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let socket = dir + "/http.sock"
        let unixServer = try TestServer(["--unix", socket])
        defer { unixServer.stop() }
        var request = HTTPRequest(url: "http://localhost/json")
        request.unixSocket = socket
        let r = try HTTPClient().perform(request)
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(try JSON.parse(r.bodyText).dictValue?["n"], .int(1))
    }

    func testTLSVerificationCAFileAndClientCertificate() throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let tlsServer = try TestServer(["--cert", tls.serverCert, "--key", tls.serverKey], tls: true)
        defer { tlsServer.stop() }
        let url = tlsServer.base + "/json"
        XCTAssertThrowsError(try HTTPClient().perform(HTTPRequest(url: url))) { error in
            guard let e = error as? HTTPError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.kind, .tls, "\(e)")
            XCTAssertTrue(e.message.lowercased().contains("certificate"), e.message)
        }
        var insecure = HTTPRequest(url: url)
        insecure.verifyTLS = false
        let r = try HTTPClient().perform(insecure)
        XCTAssertEqual(r.status, 200)
        XCTAssertGreaterThan(r.timings.tlsHandshake, 0)
        var pinned = HTTPRequest(url: url)
        pinned.caFile = tls.serverCert
        XCTAssertEqual(try HTTPClient().perform(pinned).status, 200)

        let mutual = try TestServer(
            ["--cert", tls.serverCert, "--key", tls.serverKey, "--client-ca", tls.clientCert], tls: true)
        defer { mutual.stop() }
        var anonymous = HTTPRequest(url: mutual.base + "/json")
        anonymous.caFile = tls.serverCert
        XCTAssertThrowsError(try HTTPClient().perform(anonymous))
        var withCert = anonymous
        withCert.clientCert = tls.clientCert
        withCert.clientKey = tls.clientKey
        XCTAssertEqual(try HTTPClient().perform(withCert).status, 200)
    }

    func testClientsOnManyThreads() throws {
        let base = server.base
        let failures = NSLock()
        var errors: [String] = []
        let codes = [200, 201, 202, 203, 404, 410, 500, 503]
        DispatchQueue.concurrentPerform(iterations: codes.count) { i in
            do {
                let client = try HTTPClient()
                for _ in 0..<5 {
                    let r = try client.perform(HTTPRequest(url: base + "/status/\(codes[i])"))
                    if r.status != codes[i] { failures.withLock { errors.append("got \(r.status) for \(codes[i])") } }
                }
            } catch {
                failures.withLock { errors.append("\(error)") }
            }
        }
        XCTAssertEqual(errors, [])
    }
}
