// swift-tools-version:6.0
import PackageDescription

// Swift 5 language mode: libssh2/libcurl handles are guarded by locks and confined to one
// thread at a time, which Swift 6's Sendable checking cannot express without noise.
let settings: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "opsctl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "opsctl", targets: ["opsctl"]),
        .executable(name: "detection-service", targets: ["detection-service"]),
        .library(name: "DetectionService", targets: ["DetectionService"]),
        .library(name: "Jinja", targets: ["Jinja"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
    ],
    targets: [
        // C, wrapped once: only OpsSSH sees CLibSSH2, only OpsHTTP sees CCurl.
        .systemLibrary(
            name: "CLibSSH2", pkgConfig: "libssh2",
            providers: [.apt(["libssh2-1-dev"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(
            name: "OpsSSH",
            dependencies: ["CLibSSH2", .product(name: "Logging", package: "swift-log")],
            swiftSettings: settings),
        .target(
            name: "OpsHTTP",
            dependencies: ["CCurl"],
            swiftSettings: settings),

        // The pure core: no sockets, no processes, no files written.
        .target(
            name: "Jinja",
            dependencies: ["Yams", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: settings),
        .target(
            name: "OpsCore",
            dependencies: ["Jinja", "Yams"],
            swiftSettings: settings),

        // Where the core meets hosts: the Transport protocol, libssh2 and local transports.
        .target(
            name: "OpsTransport",
            dependencies: ["OpsCore", "OpsSSH", .product(name: "Logging", package: "swift-log")],
            swiftSettings: settings),
        // Runs work on hosts: ad-hoc commands, (later) playbooks and their modules.
        .target(
            name: "OpsEngine",
            dependencies: [
                "OpsCore", "OpsTransport", "OpsHTTP", "Jinja", "Yams",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: settings),
        // The lab of real hosts: systemd-nspawn containers in network namespaces.
        .target(
            name: "OpsLab",
            dependencies: ["OpsCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: settings),
        .executableTarget(
            name: "opsctl",
            dependencies: [
                "OpsCore", "OpsEngine", "OpsLab", "OpsTransport", "Jinja",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings),

        // bench/ssh/run drives this: opsctl's SSH transport timed against OpenSSH.
        .executableTarget(
            name: "opsctl-ssh-bench",
            dependencies: ["OpsTransport", .product(name: "Logging", package: "swift-log")],
            path: "bench/ssh/Sources",
            swiftSettings: settings),

        // detection-service: pure detectors, the service library, a thin executable.
        .target(
            name: "AnomalyDetection",
            swiftSettings: settings),
        .target(
            name: "DetectionService",
            dependencies: [
                "AnomalyDetection",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings),
        .executableTarget(
            name: "detection-service",
            dependencies: ["DetectionService"],
            swiftSettings: settings),

        .testTarget(name: "JinjaTests", dependencies: ["Jinja"], exclude: ["Corpus"], swiftSettings: settings),
        .testTarget(name: "OpsCoreTests", dependencies: ["OpsCore", "Jinja"], swiftSettings: settings),
        .testTarget(
            name: "OpsEngineTests", dependencies: ["OpsEngine", "OpsCore", "Jinja", "OpsTransport"],
            swiftSettings: settings),
        .testTarget(
            name: "OpsSSHTests", dependencies: ["OpsSSH", "OpsTransport", "OpsCore"], swiftSettings: settings),
        .testTarget(
            name: "OpsHTTPTests", dependencies: ["OpsHTTP", "OpsEngine", "OpsCore", "Jinja"],
            exclude: ["test_server.py"], swiftSettings: settings),
        .testTarget(name: "AnomalyDetectionTests", dependencies: ["AnomalyDetection"], swiftSettings: settings),
        .testTarget(
            name: "DetectionServiceTests",
            dependencies: [
                "DetectionService",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: settings),
        // Tests that drive the built `opsctl` binary against the lab's real hosts.
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["OpsCore", "OpsEngine", "OpsTransport", "OpsLab"],
            swiftSettings: settings),
    ]
)
