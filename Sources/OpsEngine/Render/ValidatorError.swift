/// Why validation could not run at all (as opposed to a file failing it).
public enum ValidatorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Programs that are not installed, with what to install.
    case toolsMissing([ExternalTool])
    /// A tool ran but did not do its job (crashed, or its setup step failed).
    case toolFailed(command: String, status: Int32, output: String)
    /// The rendered output directory is not there.
    case noOutput(directory: String)

    public var description: String {
        switch self {
        case .toolsMissing(let tools):
            let lines = tools.map { "  `\($0.name)` not found in PATH: \($0.installHint)" }
            return "validation needs programs that are not installed:\n" + lines.joined(separator: "\n")
        case .toolFailed(let command, let status, let output):
            return "`\(command)` failed with exit status \(status): \(output)"
        case .noOutput(let directory):
            return "\(directory): no rendered output here (run `opsctl render --out \(directory)` first)"
        }
    }
}
