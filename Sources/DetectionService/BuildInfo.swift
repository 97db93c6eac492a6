// `opsctl artifact build` rewrites the two literals below before a release build and restores
// them afterwards, so a development build reports "dev" and an artifact reports what it is.
public enum BuildInfo {
    public static let version = "0.0.0-dev"
    public static let buildID = "dev"
}
