extension StringProtocol {
    /// The string without leading and trailing characters from `set`.
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        guard let start = firstIndex(where: { !chars.contains($0) }) else { return "" }
        let end = lastIndex(where: { !chars.contains($0) })!
        return String(self[start...end])
    }
}
