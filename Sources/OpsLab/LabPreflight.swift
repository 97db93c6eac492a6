import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Checked before `lab` changes anything: the platform, root, and every tool it will run.
public enum LabPreflight {
    public static func check(tools: [String], runner: CommandRunner, requireRoot: Bool = true) throws {
        #if !os(Linux)
            throw LabError.notLinux
        #else
            if requireRoot, geteuid() != 0 { throw LabError.notRoot }
            for tool in tools where runner.which(tool) == nil {
                throw LabError.missingTool(tool: tool, package: LabTool.package(for: tool))
            }
        #endif
    }
}
