// swift-tools-version:6.0
// The release-build harness for bench/detectors/run. A package of its own (the library's sources
// are a symlink) so that the benchmark builds only AnomalyDetection, not the service's dependencies.
import PackageDescription

let settings: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "detectors-runner",
    targets: [
        .target(name: "AnomalyDetection", swiftSettings: settings),
        .executableTarget(name: "detectors-runner", dependencies: ["AnomalyDetection"], swiftSettings: settings),
    ]
)
