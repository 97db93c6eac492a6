import Foundation
import Logging

/// `nginx -t` on every `nginx/*.conf` of the rendered output.
///
/// A site file is meant for the `http {}` context of the distribution's nginx.conf, and names
/// certificate and log paths that exist only on the load balancer. Each site is checked alone,
/// included in a minimal nginx.conf under a scratch directory, with a freshly generated
/// self-signed certificate in place of the configured one and log paths moved to the scratch
/// directory (same line numbers, so nginx's `file:line` still points at the rendered file).
public struct NginxValidator: Validator {
    public let name = "nginx"
    public let tools: [ExternalTool] = [.nginx, .openssl]
    let logger: Logger

    /// Directives whose argument is a certificate or key file that only exists on the lb hosts.
    static let certificateDirectives: Set<String> = [
        "ssl_certificate", "ssl_certificate_key", "ssl_trusted_certificate", "ssl_client_certificate",
    ]
    static let logDirectives: Set<String> = ["access_log", "error_log"]

    public init(logger: Logger) {
        self.logger = logger
    }

    public func validate(outputDirectory: URL) throws -> [ValidationFailure] {
        let sites = files(in: outputDirectory, subdirectory: "nginx", suffixes: [".conf"])
        guard !sites.isEmpty else { return [] }
        let nginx = try ExternalTool.nginx.require()
        let scratch = try ScratchDirectory(prefix: "nginx")
        defer { scratch.remove() }
        let (certificate, key) = try makeCertificate(in: scratch.url)

        var failures: [ValidationFailure] = []
        for (index, site) in sites.enumerated() {
            let directory = scratch.url.appendingPathComponent("site\(index)", isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let copy = directory.appendingPathComponent(site.lastPathComponent)
            let text = try String(contentsOf: site, encoding: .utf8)
            try Self.substitutePaths(
                in: text, certificate: certificate.path, key: key.path, logDirectory: directory.path
            ).write(to: copy, atomically: true, encoding: .utf8)
            let main = directory.appendingPathComponent("nginx.conf")
            try Self.mainConfiguration(including: copy.path, scratch: directory.path)
                .write(to: main, atomically: true, encoding: .utf8)
            let run = try ToolRun.run(
                nginx,
                ["-t", "-q", "-e", directory.appendingPathComponent("startup.log").path,
                 "-p", directory.path + "/", "-c", main.path],
                logger: logger)
            // nginx exits 0 on warnings; a warning about our file (deprecated directive, duplicate
            // mime type...) is still something the user should fix.
            let diagnostics = run.lines.filter { line in
                line.contains("[emerg]") || line.contains("[alert]") || line.contains("[crit]")
                    || line.contains("[error]") || line.contains("[warn]")
            }
            if run.status != 0 || !diagnostics.isEmpty {
                let message = diagnostics.isEmpty ? run.output : diagnostics.joined(separator: "\n")
                failures.append(ValidationFailure(
                    validator: "nginx -t", file: site.path,
                    message: ScratchDirectory.mapPaths(message, [(copy.path, site.path)])))
            }
        }
        return failures
    }

    /// A throwaway key pair: nginx -t loads the certificate and checks it matches the key.
    func makeCertificate(in directory: URL) throws -> (certificate: URL, key: URL) {
        let openssl = try ExternalTool.openssl.require()
        let certificate = directory.appendingPathComponent("validate.crt")
        let key = directory.appendingPathComponent("validate.key")
        let run = try ToolRun.run(
            openssl,
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=opsctl-validate",
             "-keyout", key.path, "-out", certificate.path],
            logger: logger)
        guard run.status == 0 else {
            throw ValidatorError.toolFailed(command: run.command, status: run.status, output: run.output)
        }
        return (certificate, key)
    }

    /// Points certificate directives at the generated pair and file logs into the scratch directory,
    /// changing nothing else (and no line breaks).
    static func substitutePaths(in text: String, certificate: String, key: String, logDirectory: String) -> String {
        var logCount = 0
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            let indent = line.prefix(line.count - trimmed.count)
            let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let directive = words.first.map(String.init), words.count >= 2 else { return String(line) }
            if certificateDirectives.contains(directive) {
                let file = directive == "ssl_certificate_key" ? key : certificate
                return "\(indent)\(directive) \(file);"
            }
            if logDirectives.contains(directive), words[1].hasPrefix("/") {
                logCount += 1
                var rest = words.dropFirst(2).joined(separator: " ")
                var path = String(words[1])
                if path.hasSuffix(";") {
                    path.removeLast()
                    rest = ";" + (rest.isEmpty ? "" : " " + rest)
                } else {
                    rest = " " + rest
                }
                return "\(indent)\(directive) \(logDirectory)/log\(logCount).log\(rest)"
            }
            return String(line)
        }
        return lines.joined(separator: "\n")
    }

    /// The least an nginx.conf needs around a site: events, http, mime types, and every runtime
    /// path inside the scratch directory.
    static func mainConfiguration(including site: String, scratch: String) -> String {
        var lines = [
            "pid \(scratch)/nginx.pid;",
            "error_log \(scratch)/error.log;",
            "events {}",
            "http {",
        ]
        if FileManager.default.fileExists(atPath: "/etc/nginx/mime.types") {
            lines.append("    include /etc/nginx/mime.types;")
        }
        for temp in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"] {
            lines.append("    \(temp)_temp_path \(scratch)/\(temp)_temp;")
        }
        lines += [
            "    access_log \(scratch)/access.log;",
            "    include \(site);",
            "}",
            "",
        ]
        return lines.joined(separator: "\n")
    }
}
