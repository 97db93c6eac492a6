// Runs every method on a labelled series and times every method on a large one.
// Usage: detectors-runner LABELLED.json LARGE.json [REPEATS]; both files hold {"values": [...]}.
// Prints {"methods": {name: {"flagged": [...], "scores": [...], "seconds": [...]}}} for bench/detectors/run.
import AnomalyDetection
import Foundation

struct Series: Decodable {
    var values: [Double]
}

struct MethodReport: Encodable {
    var flagged: [Int]
    var scores: [Double]
    var seconds: [Double]
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: detectors-runner LABELLED.json LARGE.json [REPEATS]\n".utf8))
    exit(2)
}
let labelled = try JSONDecoder().decode(Series.self, from: Data(contentsOf: URL(fileURLWithPath: arguments[1])))
let large = try JSONDecoder().decode(Series.self, from: Data(contentsOf: URL(fileURLWithPath: arguments[2])))
let repeats = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5

var reports: [String: MethodReport] = [:]
for method in DetectionMethod.allCases {
    let outcome = try detect(labelled.values, method: method)
    var seconds: [Double] = []
    for _ in 0..<repeats {
        let clock = ContinuousClock()
        var found = 0
        let elapsed = try clock.measure {
            found = try detect(large.values, method: method).anomalies.count
        }
        precondition(found >= 0)
        seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    reports[method.rawValue] = MethodReport(
        flagged: outcome.anomalies.map(\.index), scores: outcome.scores, seconds: seconds)
}
FileHandle.standardOutput.write(try JSONEncoder().encode(["methods": reports]))
