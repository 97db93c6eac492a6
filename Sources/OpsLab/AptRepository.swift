import Foundation
import Logging

/// The local apt repository the hosts install from (they have no route out).
struct AptRepository {
    var recipe: BaseRecipe
    var paths: LabPaths
    var runner: CommandRunner
    var logger: Logger
    var wasCached = true

    /// The repository's directory, or nil when there is none yet.
    func ensure(base: String) throws -> String? { nil }
}
