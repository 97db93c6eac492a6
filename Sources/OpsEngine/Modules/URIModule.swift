import Foundation
import Jinja
import OpsCore
import OpsHTTP

/// `uri`: an HTTP request from the control node (through libcurl), checked against the
/// expected status codes — the health gate, usually with `until`/`retries`. Returns what
/// Ansible's uri returns: status, url, msg, redirected, elapsed, cookies, json, content, and
/// every response header lowercased with dashes turned into underscores.
enum URIModule: Module {
    static let spec = ModuleSpec(
        name: "uri",
        args: [
            .init("url", required: true), .init("method"), .init("body", .raw),
            .init("body_format", choices: ["raw", "json", "form-urlencoded"]), .init("src", .path),
            .init("headers", .dict), .init("status_code", .list), .init("return_content", .bool),
            .init("timeout", .int), .init("validate_certs", .bool),
            .init("follow_redirects", choices: ["all", "no", "none", "safe", "urllib2", "yes"]),
            .init("url_username", aliases: ["user"]), .init("url_password", aliases: ["password"]),
            .init("force_basic_auth", .bool), .init("client_cert", .path), .init("client_key", .path),
            .init("ca_path", .path), .init("unix_socket", .path), .init("http_agent"), .init("creates", .path),
            .init("removes", .path), .init("decompress", .bool), .init("use_proxy", .bool), .init("force", .bool),
        ],
        mutuallyExclusive: [["body", "src"]], controlOnly: true)

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let url = try args.require("url")
        guard let scheme = url.range(of: "://").map({ url[..<$0.lowerBound].lowercased() }),
            scheme == "http" || scheme == "https", url.count > scheme.count + 3
        else {
            throw ModuleError("uri: url must be an http:// or https:// URL, got \"\(url)\"")
        }
        let method = args.string("method", default: "GET").uppercased()
        guard method.range(of: "^[A-Z]+$", options: .regularExpression) != nil else {
            throw ModuleError(
                "uri: method must be a single word in uppercase, like GET or POST, got "
                    + "\"\(args.string("method") ?? "")\""
            )
        }
        let statusCodes = try expectedStatusCodes(args)
        let timeout = Double(try args.int("timeout") ?? 30)
        guard timeout > 0 else {
            throw ModuleError("uri: timeout must be a positive number of seconds, got \(timeout)")
        }
        // Ansible's uri declares no check-mode support, so check mode skips it even for a GET
        // (after the arguments are checked, so bad input still fails).
        if context.checkMode {
            var skipped = ModuleResult(msg: "remote module (uri) does not support check mode")
            skipped.skipped = true
            return skipped
        }
        if let creates = localPath(args, "creates"), FileManager.default.fileExists(atPath: creates) {
            return ModuleResult(values: ["stdout": .string("skipped, since '\(creates)' exists")])
        }
        if let removes = localPath(args, "removes"), !FileManager.default.fileExists(atPath: removes) {
            return ModuleResult(values: ["stdout": .string("skipped, since '\(removes)' does not exist")])
        }

        var request = HTTPRequest(method: method, url: url)
        var headers: [(name: String, value: String)] = []
        for (k, v) in (try args.dict("headers") ?? ValueDict()).pairs {
            headers.append((PlaybookValues.string(k), PlaybookValues.string(v)))
        }
        func addContentType(_ type: String) {
            if !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                headers.append(("Content-Type", type))
            }
        }
        if let body = args.value("body"), !body.isNone {
            switch args.string("body_format", default: "raw") {
            case "json":
                // A string is taken as JSON already written; anything else is encoded.
                if case .string(let s) = body {
                    request.body = Data(s.utf8)
                } else {
                    request.body = Data(try JSON.dump(body).utf8)
                }
                addContentType("application/json")
            case "form-urlencoded":
                request.body = Data(try formURLEncoded(body).utf8)
                addContentType("application/x-www-form-urlencoded")
            default:
                request.body = Data(PlaybookValues.string(body).utf8)
            }
        } else if let src = args.string("src") {
            let path = try context.findLocalFile(src, folder: "files")
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ModuleError("uri: cannot read src \(path) on the control node")
            }
            request.body = data
        }
        request.headers = headers
        // Ansible's timeout is a socket timeout: connecting, or waiting for the next bytes.
        request.connectTimeout = timeout
        request.idleTimeout = timeout
        request.verifyTLS = try args.bool("validate_certs", default: true)
        request.caFile = localPath(args, "ca_path")
        request.clientCert = localPath(args, "client_cert")
        request.clientKey = localPath(args, "client_key")
        request.redirects = try redirectPolicy(args)
        request.username = args.string("url_username")
        request.password = args.string("url_password")
        request.forceBasicAuth = try args.bool("force_basic_auth", default: false)
        request.unixSocket = localPath(args, "unix_socket")
        request.userAgent = args.string("http_agent") ?? "ansible-httpget"
        request.decompress = try args.bool("decompress", default: true)
        request.useProxy = try args.bool("use_proxy", default: true)
        let returnContent = try args.bool("return_content", default: false)
        let expected = "[" + statusCodes.map(String.init).joined(separator: ", ") + "]"

        context.logger.debug("uri", metadata: ["method": "\(method)", "url": "\(url)"])
        let start = Date()
        let response: HTTPResponse
        do {
            response = try HTTPClient().perform(request)
        } catch let error as HTTPError {
            // No response at all: Ansible reports status -1, and `until` may retry.
            var values = ValueDict()
            values["status"] = .int(-1)
            values["url"] = .string(url)
            values["redirected"] = false
            values["elapsed"] = .int(Int(Date().timeIntervalSince(start)))
            let why = error.message + (error.code == 0 ? "" : " (curl error \(error.code))")
            let msg = "Request failed: \(why)"
            if statusCodes.contains(-1) { return ModuleResult(msg: msg, values: values) }
            return .failure("Status code was -1 and not \(expected): \(msg)", values)
        }
        let elapsed = Int(Date().timeIntervalSince(start))

        var values = ValueDict()
        // Headers first, so a header named like a return value cannot shadow it.
        var merged: [(String, String)] = []
        for (name, value) in response.headers {
            let key = name.lowercased().replacingOccurrences(of: "-", with: "_")
            if let i = merged.firstIndex(where: { $0.0 == key }) {
                merged[i].1 += ", " + value
            } else {
                merged.append((key, value))
            }
        }
        for (k, v) in merged { values[k] = .string(v) }
        if let location = values["location"]?.stringValue {
            values["location"] = .string(absoluteLocation(location, base: url))
        }
        let ok = (200..<300).contains(response.status)
        let length = response.header("Content-Length") ?? "unknown"
        values["msg"] = .string(
            ok ? "OK (\(length) bytes)" : "HTTP Error \(response.status): \(response.reason)")
        values["status"] = .int(response.status)
        // libcurl normalises the URL it reports ("http://h:80" becomes "http://h:80/"); only a
        // redirect changes the URL Ansible reports.
        let redirected = response.redirectCount > 0
        values["url"] = .string(redirected ? response.url : url)
        values["redirected"] = .bool(redirected)
        values["elapsed"] = .int(elapsed)
        var cookies = ValueDict()
        for c in response.setCookies {
            let pair = c.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let eq = pair.firstIndex(of: "=") else { continue }
            cookies[pair[..<eq].trimmingCharacters(in: .whitespaces)] = .string(
                pair[pair.index(after: eq)...].trimmingCharacters(in: .whitespaces))
        }
        values["cookies"] = .dict(cookies)
        values["cookies_string"] = .string(
            cookies.pairs.map { "\(PlaybookValues.string($0.0))=\(PlaybookValues.string($0.1))" }.joined(
                separator: "; "))
        let text = response.bodyText
        if isJSONCandidate(response.header("Content-Type")), let json = try? JSON.parse(text) {
            values["json"] = json
        }
        let passed = statusCodes.contains(response.status)
        if returnContent || !passed { values["content"] = .string(text) }
        guard passed else {
            let msg = values["msg"]?.stringValue ?? ""
            values["msg"] = .string("Status code was \(response.status) and not \(expected): \(msg)")
            return .failure(values["msg"]!.stringValue!, values)
        }
        return ModuleResult(values: values)
    }

    /// A control-node path argument with `~` expanded, as Ansible's type path does.
    static func localPath(_ args: ModuleArguments, _ name: String) -> String? {
        args.string(name).map { ($0 as NSString).expandingTildeInPath }
    }

    /// `status_code`: one code or a list; each must be an integer.
    static func expectedStatusCodes(_ args: ModuleArguments) throws -> [Int] {
        guard let list = args.list("status_code") else { return [200] }
        return try list.map { v in
            if let i = v.intValue { return i }
            if case .string(let s) = v, let i = Int(s.trimmingCharacters(in: .whitespaces)) { return i }
            throw ModuleError(
                "uri: status_code must be an HTTP status code or a list of them (e.g. [200, 201]), "
                    + "got \"\(PlaybookValues.string(v))\""
            )
        }
    }

    static func redirectPolicy(_ args: ModuleArguments) throws -> HTTPRequest.Redirects {
        guard let v = args.value("follow_redirects"), !v.isNone else { return .safe }
        // YAML may already have turned yes/no into booleans.
        if case .bool(let b) = v { return b ? .all : .none }
        switch PlaybookValues.string(v) {
        case "all", "yes": return .all
        case "no", "none": return .none
        case "safe", "urllib2": return .safe
        case let other:
            throw ModuleError(
                "uri: follow_redirects must be one of all, none, safe (or yes/no/urllib2), got \"\(other)\"")
        }
    }

    /// Ansible loads `json` when the content type's subtype mentions json or javascript (or text).
    static func isJSONCandidate(_ contentType: String?) -> Bool {
        guard let ct = contentType?.lowercased(), let slash = ct.firstIndex(of: "/") else { return false }
        let sub = ct[ct.index(after: slash)...].split(separator: ";").first.map(String.init) ?? ""
        return ["text", "json", "javascript"].contains { sub.contains($0) }
    }

    /// A mapping or a list of [key, value] pairs as application/x-www-form-urlencoded; a list
    /// value repeats the key (Python's `urlencode(..., doseq=True)`).
    static func formURLEncoded(_ body: Value) throws -> String {
        if case .string(let s) = body { return s }
        var pairs: [(String, Value)] = []
        if let d = body.dictValue {
            pairs = d.pairs.map { (PlaybookValues.string($0.0), $0.1) }
        } else if let l = body.listValue {
            for item in l {
                guard let kv = item.listValue, kv.count == 2 else {
                    throw ModuleError(
                        "uri: a form-urlencoded body list must hold [key, value] pairs, "
                            + "got \(PlaybookValues.string(item))"
                    )
                }
                pairs.append((PlaybookValues.string(kv[0]), kv[1]))
            }
        } else {
            throw ModuleError("uri: a form-urlencoded body must be a mapping, a list of pairs or a string")
        }
        var out: [String] = []
        for (k, v) in pairs {
            let values = v.listValue ?? [v]
            for value in values where !value.isNone {
                out.append(quotePlus(k) + "=" + quotePlus(PlaybookValues.string(value)))
            }
        }
        return out.joined(separator: "&")
    }

    /// Python's `quote_plus`: unreserved characters stay, spaces become `+`, the rest %XX.
    static func quotePlus(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"),
                UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            case UInt8(ascii: " "): out.append("+")
            default: out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// A relative `Location` made absolute against the request URL, as Ansible reports it.
    static func absoluteLocation(_ location: String, base: String) -> String {
        if location.contains("://") { return location }
        guard let schemeEnd = base.range(of: "://") else { return location }
        let afterScheme = base[schemeEnd.upperBound...]
        let hostEnd = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        let origin = String(base[..<hostEnd])
        if location.hasPrefix("/") { return origin + location }
        let path = base[hostEnd...].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
        return origin + dir + "/" + location
    }
}
