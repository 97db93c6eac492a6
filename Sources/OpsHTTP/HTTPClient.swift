import CCurl
import Foundation

/// A blocking HTTP client over one libcurl easy handle. The handle is reused across requests,
/// so keep-alive connections to the same server are reused too. One request at a time per
/// client (a lock enforces it); use one client per thread to run requests in parallel.
public final class HTTPClient {
    private let handle: UnsafeMutableRawPointer
    /// libcurl writes its detailed message here (CURLOPT_ERRORBUFFER); it must outlive every
    /// request on the handle, so it lives as long as the client.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let lock = NSLock()

    public init() throws {
        try LibCurl.ensureInitialized()
        guard let h = curl_easy_init() else {
            throw HTTPError(.failure, method: "-", url: "-", code: 0, message: "curl_easy_init failed (out of memory?)")
        }
        handle = h
        errorBuffer = .allocate(capacity: Int(ccurl_error_size))
        errorBuffer.initialize(repeating: 0, count: Int(ccurl_error_size))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// "libcurl/7.88.1 OpenSSL/3.0.19 zlib/1.2.13 …".
    public static var libcurlVersion: String { String(cString: curl_version()) }

    /// Sends the request and returns the final response, whatever its status. Throws
    /// `HTTPError` only when no response came (refused, timeout, TLS failure, bad URL).
    public func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        lock.lock()
        defer { lock.unlock() }
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        let collector = ResponseCollector()
        let retained = Unmanaged.passRetained(collector)
        defer { retained.release() }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }

        func check(_ rc: CURLcode, _ option: String) throws {
            guard rc != CURLE_OK else { return }
            throw HTTPError(
                .invalidRequest, method: request.method, url: request.url, code: Int(rc.rawValue),
                message: "libcurl refused \(option): " + String(cString: curl_easy_strerror(rc)))
        }
        func setLong(_ option: CURLoption, _ value: Int, _ name: String) throws {
            try check(ccurl_setopt_long(handle, option, value), name)
        }
        func setString(_ option: CURLoption, _ value: String, _ name: String) throws {
            try check(value.withCString { ccurl_setopt_string(handle, option, $0) }, name)
        }

        try check(ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        try setString(CURLOPT_URL, request.url, "the URL")
        try check(ccurl_restrict_to_http(handle), "the http/https restriction")
        // Timeouts must not use signals: the process is multi-threaded.
        try setLong(CURLOPT_NOSIGNAL, 1, "CURLOPT_NOSIGNAL")
        try check(ccurl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, collectBody), "CURLOPT_WRITEFUNCTION")
        try check(ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, retained.toOpaque()), "CURLOPT_WRITEDATA")
        try check(ccurl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, collectHeader), "CURLOPT_HEADERFUNCTION")
        try check(ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, retained.toOpaque()), "CURLOPT_HEADERDATA")

        let method = request.method.uppercased()
        if method == "HEAD" {
            try setLong(CURLOPT_NOBODY, 1, "CURLOPT_NOBODY")
        } else if method != "GET" || request.body != nil {
            // POST through POSTFIELDS alone, so a 301/302/303 redirect turns it into a GET as
            // browsers and urllib do; other methods are kept verbatim.
            if method != "POST" { try setString(CURLOPT_CUSTOMREQUEST, method, "the method \(method)") }
        }
        if let body = request.body ?? (method == "POST" ? Data() : nil) {
            try check(ccurl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "the body size")
            let rc = body.withUnsafeBytes { raw -> CURLcode in
                // COPYPOSTFIELDS copies; an empty body still needs a valid pointer.
                let empty: [CChar] = [0]
                if let base = raw.baseAddress, body.count > 0 {
                    return ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                }
                return empty.withUnsafeBufferPointer {
                    ccurl_setopt_pointer(
                        handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress!))
                }
            }
            try check(rc, "the body")
        }

        var lines = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        // libcurl would wait up to a second for "100 Continue" before sending a large body.
        if !request.headers.contains(where: { $0.name.lowercased() == "expect" }) { lines.append("Expect:") }
        for line in lines {
            guard let appended = line.withCString({ curl_slist_append(headerList, $0) }) else {
                throw HTTPError(
                    .failure, method: method, url: request.url, code: 0, message: "out of memory for headers")
            }
            headerList = appended
        }
        try check(ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "the headers")
        if let agent = request.userAgent { try setString(CURLOPT_USERAGENT, agent, "the user agent") }
        if request.decompress { try setString(CURLOPT_ACCEPT_ENCODING, "", "CURLOPT_ACCEPT_ENCODING") }
        if !request.useProxy { try setString(CURLOPT_NOPROXY, "*", "CURLOPT_NOPROXY") }

        let follow: Bool
        switch request.redirects {
        case .none: follow = false
        case .safe: follow = method == "GET" || method == "HEAD"
        case .all: follow = true
        }
        try setLong(CURLOPT_FOLLOWLOCATION, follow ? 1 : 0, "CURLOPT_FOLLOWLOCATION")
        try setLong(CURLOPT_MAXREDIRS, request.maxRedirects, "CURLOPT_MAXREDIRS")

        if let t = request.connectTimeout {
            try setLong(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(t), "the connect timeout")
        }
        if let t = request.timeout { try setLong(CURLOPT_TIMEOUT_MS, milliseconds(t), "the timeout") }
        if let t = request.idleTimeout {
            try setLong(CURLOPT_LOW_SPEED_LIMIT, 1, "CURLOPT_LOW_SPEED_LIMIT")
            try setLong(CURLOPT_LOW_SPEED_TIME, max(1, Int(t.rounded(.up))), "the idle timeout")
        }

        try setLong(CURLOPT_SSL_VERIFYPEER, request.verifyTLS ? 1 : 0, "CURLOPT_SSL_VERIFYPEER")
        try setLong(CURLOPT_SSL_VERIFYHOST, request.verifyTLS ? 2 : 0, "CURLOPT_SSL_VERIFYHOST")
        if let ca = request.caFile { try setString(CURLOPT_CAINFO, ca, "the CA file \(ca)") }
        if let cert = request.clientCert { try setString(CURLOPT_SSLCERT, cert, "the client certificate \(cert)") }
        if let key = request.clientKey { try setString(CURLOPT_SSLKEY, key, "the client key \(key)") }

        if let user = request.username {
            try setString(CURLOPT_USERNAME, user, "the user name")
            try setString(CURLOPT_PASSWORD, request.password ?? "", "the password")
            let auth = request.forceBasicAuth ? ccurl_auth_basic : ccurl_auth_challenged
            try setLong(CURLOPT_HTTPAUTH, Int(bitPattern: UInt(auth)), "CURLOPT_HTTPAUTH")
        }
        if let socket = request.unixSocket { try setString(CURLOPT_UNIX_SOCKET_PATH, socket, "the unix socket") }

        let rc = curl_easy_perform(handle)
        guard rc == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            throw HTTPError(
                HTTPClient.kind(of: rc), method: method, url: request.url, code: Int(rc.rawValue),
                message: detail.isEmpty ? String(cString: curl_easy_strerror(rc)) : detail)
        }
        let status = infoLong(CURLINFO_RESPONSE_CODE)
        return HTTPResponse(
            status: status, reason: collector.reason.isEmpty ? HTTPStatus.reason(status) : collector.reason,
            url: infoString(CURLINFO_EFFECTIVE_URL) ?? request.url,
            headers: collector.headers, setCookies: collector.setCookies, body: collector.body,
            redirectCount: infoLong(CURLINFO_REDIRECT_COUNT),
            timings: HTTPTimings(
                nameLookup: infoSeconds(CURLINFO_NAMELOOKUP_TIME_T), connect: infoSeconds(CURLINFO_CONNECT_TIME_T),
                tlsHandshake: infoSeconds(CURLINFO_APPCONNECT_TIME_T),
                firstByte: infoSeconds(CURLINFO_STARTTRANSFER_TIME_T), total: infoSeconds(CURLINFO_TOTAL_TIME_T)))
    }

    private func milliseconds(_ seconds: Double) -> Int { max(1, Int((seconds * 1000).rounded())) }

    private func infoLong(_ info: CURLINFO) -> Int {
        var v = 0
        _ = ccurl_getinfo_long(handle, info, &v)
        return v
    }

    private func infoString(_ info: CURLINFO) -> String? {
        var p: UnsafeMutablePointer<CChar>?
        guard ccurl_getinfo_string(handle, info, &p) == CURLE_OK, let p else { return nil }
        return String(cString: p)
    }

    private func infoSeconds(_ info: CURLINFO) -> Double {
        var v: curl_off_t = 0
        _ = ccurl_getinfo_off_t(handle, info, &v)
        return Double(v) / 1_000_000
    }

    static func kind(of rc: CURLcode) -> HTTPError.Kind {
        switch rc {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_PROXY: return .connect
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED:
            return .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT: return .invalidRequest
        default: return .failure
        }
    }
}
