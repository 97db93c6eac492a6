import OpsCore
import Foundation
import OpsTransport
import XCTest

final class TransferTests: SSHServerTestCase {
    func sha256(_ path: String) throws -> String {
        String(try TestSSHServer.run("/usr/bin/sha256sum", [path]).prefix(64))
    }

    func testHundredMegabyteUploadKeepsItsSHA256AndMode() throws {
        let local = server.directory.path + "/big.bin"
        try TestSSHServer.run("/bin/sh", ["-c", "head -c 104857600 /dev/urandom > \(local)"])
        let remoteDirectory = server.directory.path + "/remote dir"
        try FileManager.default.createDirectory(atPath: remoteDirectory, withIntermediateDirectories: true)
        let remote = remoteDirectory + "/big.bin"
        try "old content".write(toFile: remote, atomically: true, encoding: .utf8)

        try transport.upload(file: local, to: remote, mode: 0o640)

        // The host's own sha256sum, through the transport, and locally.
        let remoteSum = try transport.exec(ExecRequest("sha256sum \(ShellWords.quote(remote))")).stdoutText.prefix(64)
        XCTAssertEqual(String(remoteSum), try sha256(local))
        let mode = try transport.exec(ExecRequest("stat -c %a \(ShellWords.quote(remote))")).stdoutText
        XCTAssertEqual(mode, "640\n")
        // The exec + cat path by name (bench/ssh compares it with SFTP) keeps the bytes too.
        let viaExec = remoteDirectory + "/via-exec.bin"
        try transport.execUpload(file: local, to: viaExec, mode: 0o600)
        let execSum = try transport.exec(ExecRequest("sha256sum \(ShellWords.quote(viaExec))")).stdoutText.prefix(64)
        XCTAssertEqual(String(execSum), try sha256(local))
        // No temporary file is left behind.
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: remoteDirectory).sorted(), ["big.bin", "via-exec.bin"])
    }

    func testSFTPUploadUsedForComparisonKeepsTheBytes() throws {
        let local = server.directory.path + "/medium.bin"
        try TestSSHServer.run("/bin/sh", ["-c", "head -c 5000000 /dev/urandom > \(local)"])
        let remote = server.directory.path + "/medium-sftp.bin"
        try transport.sftpUpload(file: local, to: remote, mode: 0o600)
        XCTAssertEqual(try sha256(remote), try sha256(local))
    }

    func testUploadDataThenDownloadRoundTrip() throws {
        let payload = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
        let remote = server.directory.path + "/small.bin"
        try transport.upload(payload, to: remote, mode: 0o600)
        XCTAssertEqual(try transport.download(remote), payload)
        XCTAssertEqual(try transport.exec(ExecRequest("stat -c %a \(remote)")).stdoutText, "600\n")
    }

    func testUploadIntoMissingDirectoryFailsClearly() throws {
        let remote = server.directory.path + "/missing/dir/file"
        XCTAssertThrowsError(try transport.upload(Data("x".utf8), to: remote, mode: 0o644)) { error in
            guard case TransportError.io(let host, let operation, let reason) = error else {
                return XCTFail("got \(error)")
            }
            XCTAssertEqual(host, "testhost")
            XCTAssertTrue(operation.contains(remote), operation)
            XCTAssertTrue(reason.contains("No such file or directory"), reason)
        }
    }

    func testDownloadOfMissingFileFailsClearly() throws {
        XCTAssertThrowsError(try transport.download("/nonexistent/file")) { error in
            guard case TransportError.io(_, let operation, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(operation, "download /nonexistent/file")
            XCTAssertTrue(reason.contains("No such file"), reason)
        }
    }

    func testFileUploadEdgeCases() throws {
        // A missing local file: a clear error, nothing sent.
        XCTAssertThrowsError(try transport.upload(file: "/nonexistent/local.bin", to: "/tmp/x", mode: 0o600)) { error in
            guard case TransportError.io(_, _, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(reason.contains("cannot open /nonexistent/local.bin"), reason)
            XCTAssertTrue(reason.contains("No such file"), reason)
        }
        // An empty file arrives empty, with its mode.
        let empty = server.directory.path + "/empty.bin"
        FileManager.default.createFile(atPath: empty, contents: Data())
        let remoteEmpty = server.directory.path + "/empty-remote.bin"
        try transport.upload(file: empty, to: remoteEmpty, mode: 0o604)
        XCTAssertEqual(try transport.exec(ExecRequest("stat -c '%s %a' \(remoteEmpty)")).stdoutText, "0 604\n")
        // A file of several chunks plus a tail keeps its bytes (the read-ahead keeps their order).
        let odd = server.directory.path + "/odd.bin"
        try TestSSHServer.run("/bin/sh", ["-c", "head -c 5242881 /dev/urandom > \(odd)"])
        let remoteOdd = server.directory.path + "/odd-remote.bin"
        try transport.upload(file: odd, to: remoteOdd, mode: 0o600)
        XCTAssertEqual(try sha256(remoteOdd), try sha256(odd))
    }

    func testFailedFileUploadStopsAndTheSessionStaysUsable() throws {
        let local = server.directory.path + "/twenty.bin"
        try TestSSHServer.run("/bin/sh", ["-c", "head -c 20971520 /dev/urandom > \(local)"])
        let remote = server.directory.path + "/missing/dir/twenty.bin"
        XCTAssertThrowsError(try transport.upload(file: local, to: remote, mode: 0o600)) { error in
            guard case TransportError.io(_, let operation, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(operation.contains(remote), operation)
            XCTAssertTrue(reason.contains("No such file or directory"), reason)
        }
        XCTAssertEqual(try transport.exec(ExecRequest("echo still here")).stdoutText, "still here\n")
    }
}
