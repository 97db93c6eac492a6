/// Python's stable `sorted`, with jinja2's case-insensitive default for strings and attribute keys.
enum Sorting {
    static func sorted(_ items: [Value], reverse: Bool, caseSensitive: Bool, key: ((Value) throws -> Value)?)
        throws -> [Value]
    {
        let keys = try items.map { v -> Value in
            let k = try key?(v) ?? v
            guard !caseSensitive else { return k }
            switch k {
            case .string(let s): return .string(s.lowercased())
            case .list(let parts): return .list(parts.map { $0.stringValue.map { .string($0.lowercased()) } ?? $0 })
            default: return k
            }
        }
        var error: Error? = nil
        let order = Array(items.indices).sorted { a, b in
            if error != nil { return false }
            do {
                let c = try Value.compare(keys[a], keys[b])
                if c == 0 { return a < b }
                return reverse ? c > 0 : c < 0
            } catch let e {
                error = e
                return false
            }
        }
        if let error { throw error }
        if reverse {
            // Python keeps equal elements in original order even when reversing.
            return order.map { items[$0] }
        }
        return order.map { items[$0] }
    }
}
