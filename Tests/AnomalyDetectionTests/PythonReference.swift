import AnomalyDetection
import Foundation
import XCTest

/// Runs bench/detectors/reference.py (numpy/scipy/scikit-learn) as a subprocess. Outside CI a
/// missing python3 or module skips the test; with CI=true it fails, so CI cannot pass vacuously.
enum PythonReference {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("bench/detectors/reference.py")

    static func run<Request: Encodable, Answer: Decodable>(
        _ command: String, _ request: Request, as: Answer.Type
    ) throws -> Answer {
        // Request and error text go through files: only one pipe is read, so none can fill up
        // and stall the other side.
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("anomaly-reference-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let requestFile = directory.appendingPathComponent("request.json")
        let errorFile = directory.appendingPathComponent("stderr.txt")
        try JSONEncoder().encode(request).write(to: requestFile)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, command]
        process.standardInput = try FileHandle(forReadingFrom: requestFile)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        let output = Pipe()
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            try unavailable("cannot start python3: \(error)")
        }
        let answer = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let message = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        switch process.terminationStatus {
        case 0:
            return try JSONDecoder().decode(Answer.self, from: answer)
        case 3, 127:
            try unavailable(message)
        default:
            throw ReferenceFailure(message: "reference.py \(command) exited \(process.terminationStatus): \(message)")
        }
    }

    private static func unavailable(_ why: String) throws -> Never {
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            throw ReferenceFailure(message: "the numpy/scipy reference is required when CI=true: \(why)")
        }
        throw XCTSkip("numpy/scipy reference unavailable: \(why)")
    }
}

struct ReferenceFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

struct ScoresRequest: Encodable {
    struct Case: Encodable {
        var values: [Double]
        var sensitivity: Double
        var alpha: Double
    }

    var cases: [Case]
}

struct ScoresAnswer: Decodable {
    var results: [[String: ReferenceMethod]]
}

struct ReferenceMethod: Decodable {
    var scores: [Double]
    var flags: [Bool]
    var threshold: Double
    var severities: [Severity]
}

struct DatasetRequest: Encodable {
    var n: Int
    var seed: Int
}

struct LabelledSeries: Decodable {
    var values: [Double]
    var labels: [Int]
}

struct IsolationForestRequest: Encodable {
    var values: [Double]
    var labels: [Int]
    var ours: [Double]
    var trees: Int
    var sample_size: Int
    var seed: Int
    var contamination: Double
}

struct IsolationForestAnswer: Decodable {
    var auc_ours: Double
    var auc_sklearn: Double
    var sklearn_flags: [Bool]
}
