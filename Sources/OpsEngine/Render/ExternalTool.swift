import Foundation

/// A program a validator runs, and how to get it when it is missing.
public struct ExternalTool: Equatable, Hashable, Sendable {
    public let name: String
    /// The command that installs it (Debian package or PyPI).
    public let installHint: String

    public init(name: String, installHint: String) {
        self.name = name
        self.installHint = installHint
    }

    public static let nginx = ExternalTool(name: "nginx", installHint: "apt-get install -y nginx")
    public static let openssl = ExternalTool(name: "openssl", installHint: "apt-get install -y openssl")
    public static let systemdAnalyze = ExternalTool(
        name: "systemd-analyze", installHint: "apt-get install -y systemd")
    public static let promtool = ExternalTool(
        name: "promtool", installHint: "apt-get install -y prometheus (promtool ships in it)")
    public static let kubernetesValidate = ExternalTool(
        name: "kubernetes-validate", installHint: "pip install kubernetes-validate")

    /// Finds the program in `PATH`, then in the sbin directories a non-root `PATH` often lacks
    /// (nginx lives in /usr/sbin).
    public func locate(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> URL? {
        var directories = (path ?? "").split(separator: ":").map(String.init)
        directories += ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        for directory in directories where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
        }
        return nil
    }

    /// Locates the program or throws the install hint.
    func require() throws -> URL {
        guard let url = locate() else { throw ValidatorError.toolsMissing([self]) }
        return url
    }
}
