import Foundation
import XCTest

/// The Python test server (test_server.py) on loopback, stopped when the test ends.
final class TestServer {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("test_server.py").path

    let process = Process()
    let port: Int
    let scheme: String

    /// Starts the server and waits until it listens. `arguments` go to test_server.py.
    init(_ arguments: [String] = [], tls: Bool = false) throws {
        scheme = tls ? "https" : "http"
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestServer.script] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { throw TestFailure("test_server.py exited before listening: \(arguments)") }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let p = Int(text.dropFirst(5)) else {
            throw TestFailure("test_server.py printed \"\(text)\" instead of its port")
        }
        port = p
    }

    /// Starts the server without waiting: it binds `port` after `delay` seconds.
    init(delayedOn port: Int, delay: Double) throws {
        scheme = "http"
        self.port = port
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestServer.script, "--port", "\(port)", "--start-delay", "\(delay)"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    var base: String { "\(scheme)://127.0.0.1:\(port)" }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    /// A loopback port nothing listens on (the kernel picked it, then it was released).
    static func freePort() throws -> Int {
        let out = try run([
            "python3", "-c",
            "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])",
        ])
        guard let p = Int(out.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure("could not get a free port: \(out)")
        }
        return p
    }

    /// Runs a command (through env), returns stdout, throws on a non-zero exit.
    @discardableResult
    static func run(_ argv: [String], in dir: String? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        if let dir { p.currentDirectoryURL = URL(fileURLWithPath: dir) }
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw TestFailure("\(argv.joined(separator: " ")) failed: \(String(decoding: errData, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A fresh temporary directory, removed by the caller's `defer`.
func makeTempDir(_ prefix: String = "opshttp") throws -> String {
    let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
