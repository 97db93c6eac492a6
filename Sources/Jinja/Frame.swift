/// One scope of template variables (template top level, loop body, macro call). Scopes are small, so a
/// linear search over parallel arrays beats hashing.
final class Frame {
    var names: [String] = []
    var values: [Value] = []
    let parent: Frame?

    init(parent: Frame?) {
        self.parent = parent
    }

    @inline(__always)
    func lookup(_ name: String) -> Value? {
        var f: Frame? = self
        while let frame = f {
            let ns = frame.names
            var i = ns.count - 1
            while i >= 0 {
                if ns[i] == name { return frame.values[i] }
                i -= 1
            }
            f = frame.parent
        }
        return nil
    }

    /// The frame that holds `name`, for in-place mutation (`list.append`).
    func owner(of name: String) -> (Frame, Int)? {
        var f: Frame? = self
        while let frame = f {
            if let i = frame.names.lastIndex(of: name) { return (frame, i) }
            f = frame.parent
        }
        return nil
    }

    @inline(__always)
    func set(_ name: String, _ value: Value) {
        if let i = names.lastIndex(of: name) {
            values[i] = value
        } else {
            names.append(name)
            values.append(value)
        }
    }

    /// Index of a local slot, creating it: loops reuse the slot every iteration.
    func slot(_ name: String) -> Int {
        if let i = names.lastIndex(of: name) { return i }
        names.append(name)
        values.append(.none)
        return names.count - 1
    }

    func truncate(to count: Int) {
        names.removeSubrange(count...)
        values.removeSubrange(count...)
    }
}
