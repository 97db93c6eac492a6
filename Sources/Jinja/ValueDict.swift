/// An insertion-ordered dictionary, as Python's `dict` and YAML mappings are.
///
/// Keys are values (YAML allows `80: http`), hashed so that `1`, `1.0` and `true` are one key as in Python.
public struct ValueDict: Sendable {
    public private(set) var keys: [Value] = []
    public private(set) var values: [Value] = []
    // Small dicts (most of them) are searched linearly: cheaper than hashing for a handful of keys.
    private var index: [Value: Int]?
    private static let indexThreshold = 12

    public init() {}

    public init(_ pairs: [(Value, Value)]) {
        reserveCapacity(pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    public init(_ pairs: [(String, Value)]) {
        reserveCapacity(pairs.count)
        for (k, v) in pairs { self[.string(k)] = v }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public mutating func reserveCapacity(_ n: Int) {
        keys.reserveCapacity(n)
        values.reserveCapacity(n)
    }

    public func position(of key: Value) -> Int? {
        if let index { return index[key] }
        // Fast path for the overwhelmingly common string keys.
        if case .string(let s) = key {
            for i in keys.indices {
                if case .string(let k) = keys[i], k == s { return i }
            }
            return nil
        }
        return keys.firstIndex(of: key)
    }

    public func position(of key: String) -> Int? {
        if let index { return index[.string(key)] }
        for i in keys.indices {
            if case .string(let k) = keys[i], k == key { return i }
        }
        return nil
    }

    public subscript(key: Value) -> Value? {
        get { position(of: key).map { values[$0] } }
        set {
            if let i = position(of: key) {
                if let newValue {
                    values[i] = newValue
                } else {
                    remove(at: i)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
                if index != nil {
                    index![key] = keys.count - 1
                } else if keys.count > Self.indexThreshold {
                    buildIndex()
                }
            }
        }
    }

    public subscript(key: String) -> Value? {
        get { position(of: key).map { values[$0] } }
        set { self[.string(key)] = newValue }
    }

    public mutating func remove(at i: Int) {
        keys.remove(at: i)
        values.remove(at: i)
        if index != nil { buildIndex() }
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> Value? {
        guard let i = position(of: key) else { return nil }
        let v = values[i]
        remove(at: i)
        return v
    }

    private mutating func buildIndex() {
        var idx = [Value: Int](minimumCapacity: keys.count)
        for (i, k) in keys.enumerated() { idx[k] = i }
        index = idx
    }

    /// Key/value pairs in insertion order.
    public var pairs: Zip2Sequence<[Value], [Value]> { zip(keys, values) }
}

extension ValueDict: Equatable {
    public static func == (a: ValueDict, b: ValueDict) -> Bool {
        guard a.count == b.count else { return false }
        for (k, v) in a.pairs {
            guard let w = b[k], w == v else { return false }
        }
        return true
    }
}

extension ValueDict: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, Value)...) {
        self.init(elements)
    }
}
