import Foundation

/// Self-signed certificates made with the openssl CLI: a server certificate for 127.0.0.1 and
/// localhost, and a client certificate the server can be told to require.
struct TLSFixture {
    let dir: String
    var serverCert: String { dir + "/server.pem" }
    var serverKey: String { dir + "/server.key" }
    var clientCert: String { dir + "/client.pem" }
    var clientKey: String { dir + "/client.key" }

    init() throws {
        dir = try makeTempDir("opshttp-tls")
        for (name, cn, ext) in [
            ("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1"),
            ("client", "opsctl-test-client", "extendedKeyUsage=clientAuth"),
        ] {
            try TestServer.run(
                [
                    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "\(dir)/\(name).key", "-out", "\(dir)/\(name).pem", "-days", "2", "-subj", "/CN=\(cn)",
                    "-addext", ext,
                ])
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }
}
