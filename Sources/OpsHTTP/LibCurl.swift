import CCurl

/// libcurl's process-wide state. `curl_global_init` is not thread-safe, so it runs exactly once,
/// through Swift's lazily initialized (dispatch_once-backed) static storage.
enum LibCurl {
    private static let initResult: CURLcode = curl_global_init(ccurl_global_default)

    static func ensureInitialized() throws {
        if initResult != CURLE_OK {
            throw HTTPError(
                .failure, method: "-", url: "-", code: Int(initResult.rawValue),
                message: "curl_global_init failed: " + String(cString: curl_easy_strerror(initResult)))
        }
    }
}
