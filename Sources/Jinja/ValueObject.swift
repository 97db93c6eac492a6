/// An object with Python value semantics (datetime, timedelta): two are equal when their values are, they
/// order among their own type, and `repr()` (inside lists) differs from `str()`.
protocol ValueObject: TemplateObject {
    /// The value that compares and hashes objects of one type (microseconds for datetime and timedelta).
    var key: Int { get }
    /// Python's `repr()`: `datetime.datetime(2024, 3, 1, 10, 0)`.
    var repr: String { get }
}

extension ValueObject {
    /// Python's `==`; objects of different types are unequal, never an error.
    func equals(_ other: any TemplateObject) -> Bool {
        guard let o = other as? any ValueObject, type(of: o) == type(of: self) else { return false }
        return o.key == key
    }

    /// Python's ordering; nil when the other object is of another type (a TypeError for the caller).
    func compare(_ other: any TemplateObject) -> Int? {
        guard let o = other as? any ValueObject, type(of: o) == type(of: self) else { return nil }
        return key < o.key ? -1 : (key == o.key ? 0 : 1)
    }
}
