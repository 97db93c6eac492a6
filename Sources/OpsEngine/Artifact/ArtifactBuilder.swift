import Foundation
import Logging

/// Builds the `detection-service` release artifact: a stripped binary with the Swift standard
/// library linked in and the version and build id compiled in, plus `manifest.json` naming the
/// Debian packages it still needs at run time, packed as
/// `dist/detection-service-VERSION-linux-x86_64.tar.gz` with a `sha256sum`-format `.sha256` beside it.
public struct ArtifactBuilder {
    public struct Options: Sendable {
        /// The package root (holds Package.swift).
        public var packagePath: String
        public var version: String
        /// Nil: `<git commit>[-dirty].<UTC time>`.
        public var buildID: String?
        /// Relative paths are taken from `packagePath`.
        public var outputDirectory: String
        public var product: String
        public var swift: String

        public init(
            packagePath: String = ".", version: String, buildID: String? = nil, outputDirectory: String = "dist",
            product: String = "detection-service", swift: String = "swift"
        ) {
            self.packagePath = packagePath
            self.version = version
            self.buildID = buildID
            self.outputDirectory = outputDirectory
            self.product = product
            self.swift = swift
        }
    }

    public struct Artifact: Sendable {
        public var tarballPath: String
        public var checksumPath: String
        public var tarballSHA256: String
        public var manifest: ArtifactManifest
    }

    /// The file holding the literals the build embeds; rewritten for the build, then restored.
    static let buildInfoPath = "Sources/DetectionService/BuildInfo.swift"

    let options: Options
    let logger: Logger

    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    public func build() throws -> Artifact {
        try Self.validate(version: options.version)
        let root = URL(fileURLWithPath: options.packagePath).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: root + "/Package.swift") else {
            throw ArtifactError("\(root): no Package.swift; run from the opsctl checkout or pass --package-path")
        }
        let buildID = try options.buildID ?? Self.defaultBuildID(root: root)
        try Self.validate(buildID: buildID)
        let output =
            options.outputDirectory.hasPrefix("/") ? options.outputDirectory : root + "/" + options.outputDirectory
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)

        let binary = try compile(root: root, buildID: buildID)

        let stem = "\(options.product)-\(options.version)-linux-x86_64"
        let staging = output + "/.staging-\(stem)"
        try? FileManager.default.removeItem(atPath: staging)
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let staged = staging + "/" + options.product
        try FileManager.default.copyItem(atPath: binary, toPath: staged)
        try Self.run("strip", ["--strip-all", staged], logger: logger)

        // The artifact must say what it is: refuse one whose --version disagrees.
        let reported = try Self.run(staged, ["--version"], logger: logger)
        guard reported.contains(options.version), reported.contains(buildID) else {
            throw ArtifactError(
                "\(staged) --version printed `\(reported.trimmingCharacters(in: .whitespacesAndNewlines))`, "
                    + "expected version \(options.version) and build \(buildID); was \(Self.buildInfoPath) changed?")
        }

        let libraries = try Self.sharedLibraries(of: staged, logger: logger)
        let packages = try Self.debianPackages(for: libraries, logger: logger)
        let binarySize = (try FileManager.default.attributesOfItem(atPath: staged)[.size] as? NSNumber)?.intValue ?? 0
        let manifest = ArtifactManifest(
            name: options.product, version: options.version, buildID: buildID, platform: "linux-x86_64",
            binary: options.product, binarySHA256: try Self.sha256(staged, logger: logger), binarySize: binarySize,
            runtimePackages: packages, sharedLibraries: libraries,
            builtAt: ISO8601DateFormatter().string(from: Date()),
            swiftVersion: (try? Self.run(options.swift, ["--version"], logger: logger))?
                .split(separator: "\n").first.map(String.init) ?? "unknown")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: staging + "/manifest.json"))

        let tarball = output + "/\(stem).tar.gz"
        try Self.run("tar", ["-C", staging, "-czf", tarball, options.product, "manifest.json"], logger: logger)
        let digest = try Self.sha256(tarball, logger: logger)
        let checksum = tarball + ".sha256"
        try "\(digest)  \(stem).tar.gz\n".write(toFile: checksum, atomically: true, encoding: .utf8)
        logger.info(
            "artifact built",
            metadata: [
                "tarball": "\(tarball)", "sha256": "\(digest)",
                "runtime_packages": "\(packages.joined(separator: ","))",
            ])
        return Artifact(tarballPath: tarball, checksumPath: checksum, tarballSHA256: digest, manifest: manifest)
    }

    /// Writes the version into the source, builds, and puts the source back whatever happens.
    private func compile(root: String, buildID: String) throws -> String {
        let infoPath = root + "/" + Self.buildInfoPath
        guard let original = FileManager.default.contents(atPath: infoPath) else {
            throw ArtifactError("\(infoPath): missing; the build embeds the version there")
        }
        defer { try? original.write(to: URL(fileURLWithPath: infoPath)) }
        let generated = """
            // Generated by `opsctl artifact build`; restored after the build.
            public enum BuildInfo {
                public static let version = "\(options.version)"
                public static let buildID = "\(buildID)"
            }

            """
        try generated.write(toFile: infoPath, atomically: true, encoding: .utf8)
        logger.info(
            "building (release, static Swift stdlib); this takes minutes",
            metadata: ["product": "\(options.product)", "version": "\(options.version)", "build_id": "\(buildID)"])
        let args = [
            "build", "--package-path", root, "-c", "release", "--product", options.product, "--static-swift-stdlib",
        ]
        try Self.run(options.swift, args, logger: logger)
        let binPath = try Self.run(
            options.swift, ["build", "--package-path", root, "-c", "release", "--show-bin-path"], logger: logger
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        let binary = binPath + "/" + options.product
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ArtifactError("\(binary): the build succeeded but produced no executable")
        }
        return binary
    }

    static func validate(version: String) throws {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-+_"))
        guard !version.isEmpty, version.count <= 64,
            version.unicodeScalars.allSatisfy({ allowed.contains($0) && $0.isASCII }),
            version.first?.isLetter == true || version.first?.isNumber == true
        else {
            throw ArtifactError(
                "--version `\(version)`: use letters, digits and . - + _ only, starting with a letter or digit (e.g. 1.4.0)"
            )
        }
    }

    static func validate(buildID: String) throws {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-+_"))
        guard !buildID.isEmpty, buildID.count <= 128,
            buildID.unicodeScalars.allSatisfy({ allowed.contains($0) && $0.isASCII })
        else {
            throw ArtifactError("--build-id `\(buildID)`: use letters, digits and . - + _ only")
        }
    }

    static func defaultBuildID(root: String) throws -> String {
        let stamp: String = {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
            return f.string(from: Date())
        }()
        let silent = Logger(label: "artifact.git", factory: { _ in SwiftLogNoOpLogHandler() })
        guard
            let commit = try? run("git", ["-C", root, "rev-parse", "--short=12", "HEAD"], logger: silent)
                .trimmingCharacters(in: .whitespacesAndNewlines), !commit.isEmpty
        else { return stamp }
        let dirty =
            ((try? run("git", ["-C", root, "status", "--porcelain", "--untracked-files=no"], logger: silent)) ?? "")
                .isEmpty ? "" : "-dirty"
        return "\(commit)\(dirty).\(stamp)"
    }

    /// Resolved paths of the shared libraries the binary loads (`ldd`), without the vDSO.
    static func sharedLibraries(of binary: String, logger: Logger) throws -> [String] {
        let out = try run("ldd", [binary], logger: logger)
        var paths: [String] = []
        for line in out.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if let arrow = parts.firstIndex(of: "=>"), arrow + 1 < parts.count, parts[arrow + 1].hasPrefix("/") {
                paths.append(String(parts[arrow + 1]))
            } else if let first = parts.first?.trimmingCharacters(in: .whitespaces), first.hasPrefix("/") {
                paths.append(first)  // the dynamic loader itself
            }
        }
        return paths
    }

    /// Debian packages owning those libraries (`dpkg -S`), trying the /usr-merged twin of each path.
    static func debianPackages(for libraries: [String], logger: Logger) throws -> [String] {
        var packages = Set<String>()
        for lib in libraries {
            let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: lib)).map {
                $0.hasPrefix("/") ? $0 : (lib as NSString).deletingLastPathComponent + "/" + $0
            }
            var candidates = [lib]
            if let resolved { candidates.append(resolved) }
            for c in candidates where c.hasPrefix("/lib") { candidates.append("/usr" + c) }
            for c in candidates where c.hasPrefix("/usr/lib") { candidates.append(String(c.dropFirst(4))) }
            var owner: String?
            for c in candidates {
                if let out = try? run("dpkg", ["-S", c], logger: logger),
                    let name = out.split(separator: "\n").first?.split(separator: ":").first
                {
                    owner = String(name)
                    break
                }
            }
            guard let owner else {
                throw ArtifactError(
                    "\(lib): no Debian package owns this library (dpkg -S); the lab host could not install it")
            }
            packages.insert(owner)
        }
        return packages.sorted()
    }

    @discardableResult
    static func run(_ tool: String, _ args: [String], logger: Logger) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + args
        let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("artifact-\(UUID().uuidString).log")
            .path
        FileManager.default.createFile(atPath: outPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        let errPath = outPath + ".err"
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        logger.debug("running", metadata: ["command": "\(([tool] + args).joined(separator: " "))"])
        do {
            try process.run()
        } catch {
            throw ArtifactError("\(tool): cannot start (\(error)); is it installed?")
        }
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        let stdout = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        let stderr = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            let tail = (stdout + stderr).split(separator: "\n").suffix(30).joined(separator: "\n")
            throw ArtifactError(
                "`\(([tool] + args).joined(separator: " "))` exited \(process.terminationStatus):\n\(tail)")
        }
        return stdout
    }

    static func sha256(_ path: String, logger: Logger) throws -> String {
        let out = try run("sha256sum", [path], logger: logger)
        guard let hex = out.split(separator: " ").first, hex.count == 64 else {
            throw ArtifactError("sha256sum \(path): unexpected output `\(out.prefix(100))`")
        }
        return String(hex)
    }
}

/// What an artifact contains; written as manifest.json inside the tarball.
public struct ArtifactManifest: Codable, Sendable, Equatable {
    public var name: String
    public var version: String
    public var buildID: String
    public var platform: String
    public var binary: String
    public var binarySHA256: String
    public var binarySize: Int
    /// Debian packages that must be installed on the host (provisioning installs these).
    public var runtimePackages: [String]
    public var sharedLibraries: [String]
    public var builtAt: String
    public var swiftVersion: String

    enum CodingKeys: String, CodingKey {
        case name, version, platform, binary
        case buildID = "build_id"
        case binarySHA256 = "binary_sha256"
        case binarySize = "binary_size"
        case runtimePackages = "runtime_packages"
        case sharedLibraries = "shared_libraries"
        case builtAt = "built_at"
        case swiftVersion = "swift_version"
    }
}

public struct ArtifactError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
