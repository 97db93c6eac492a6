enum OpsctlVersion {
    static let current = "0.1.0"
}
