import ArgumentParser
import Foundation
import Logging
import OpsEngine

struct ArtifactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "artifact",
        abstract: "Build the detection-service release artifact.",
        subcommands: [Build.self]
    )

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Release-build detection-service (static Swift stdlib, stripped) into dist/ with manifest and .sha256.",
            discussion: """
                Writes dist/detection-service-VERSION-linux-x86_64.tar.gz (the binary and manifest.json: version, \
                build id, binary sha256, runtime Debian packages) and its .sha256. A release build takes ~10 minutes.
                """
        )

        @Option(name: .customLong("version"), help: "Version to embed and name the artifact with.")
        var artifactVersion: String = "0.1.0"

        @Option(help: "Build id to embed (default: <git commit>[-dirty].<UTC time>).")
        var buildID: String?

        @Option(help: "Output directory, relative to the package path.")
        var output: String = "dist"

        @Option(help: "The opsctl checkout to build from.")
        var packagePath: String = "."

        func run() throws {
            var logger = Logger(label: "opsctl.artifact")
            logger.logLevel = .info
            let builder = ArtifactBuilder(
                options: .init(
                    packagePath: packagePath, version: artifactVersion, buildID: buildID, outputDirectory: output),
                logger: logger)
            do {
                let artifact = try builder.build()
                print(artifact.tarballPath)
                print(artifact.checksumPath)
                print("build id: \(artifact.manifest.buildID)")
                print("runtime packages: \(artifact.manifest.runtimePackages.joined(separator: " "))")
            } catch let error as ArtifactError {
                throw ValidationError("artifact build failed: \(error.description)")
            }
        }
    }
}
