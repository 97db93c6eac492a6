import Foundation
import Yams

extension Value {
    /// Converts a Yams node with YAML 1.1 scalar resolution (`yes` is true, `0o17` is 15), keeping mapping order
    /// and following merge keys (`<<: *defaults`) as PyYAML does.
    public init(yaml node: Node) {
        switch node {
        case .scalar(let scalar):
            self = Value.resolveScalar(scalar)
        case .sequence(let seq):
            self = .list(seq.map { Value(yaml: $0) })
        case .mapping(let map):
            var d = ValueDict()
            var merged: [ValueDict] = []
            for (k, v) in map {
                if k.tag.description == Tag.Name.merge.rawValue
                    || (k.scalar?.string == "<<" && k.scalar?.style == .plain)
                {
                    switch Value(yaml: v) {
                    case .dict(let m): merged.append(m)
                    case .list(let l): merged.append(contentsOf: l.compactMap { $0.dictValue })
                    default: break
                    }
                    continue
                }
                d[Value(yaml: k)] = Value(yaml: v)
            }
            for m in merged {
                for (k, v) in m.pairs where d[k] == nil { d[k] = v }
            }
            self = .dict(d)
        case .alias:
            // Yams resolves aliases while composing; an unresolved one has no value.
            self = .none
        }
    }

    /// PyYAML's YAML 1.1 resolution of plain scalars (`yes` is true, `017` is octal, `0o17` is a string).
    static func resolveScalar(_ scalar: Node.Scalar) -> Value {
        let s = scalar.string
        guard scalar.style == .plain else { return .string(s) }
        guard let first = s.unicodeScalars.first else { return .none }
        // Cheap filter: only these first characters can start a non-string plain scalar.
        guard "~nNtTfFyYoO-+.0123456789".unicodeScalars.contains(first) else { return .string(s) }
        let r = YAMLDumper.implicitResolvers
        let range = NSRange(s.startIndex..., in: s)
        func matches(_ i: Int) -> Bool { r[i].firstMatch(in: s, range: range) != nil }
        if matches(4) { return .none }
        if matches(0) { return .bool(["yes", "true", "on"].contains(s.lowercased())) }
        if matches(2) { return parseYAMLInt(s).map(Value.int) ?? .string(s) }
        if matches(1) {
            let t = s.replacingOccurrences(of: "_", with: "").lowercased()
            if t.hasSuffix(".inf") { return .double(t.hasPrefix("-") ? -.infinity : .infinity) }
            if t == ".nan" { return .double(.nan) }
            return Double(t).map(Value.double) ?? .string(s)
        }
        return .string(s)
    }

    static func parseYAMLInt(_ text: String) -> Int? {
        var t = text.replacingOccurrences(of: "_", with: "")
        var sign = 1
        if t.hasPrefix("-") || t.hasPrefix("+") {
            if t.hasPrefix("-") { sign = -1 }
            t.removeFirst()
        }
        let v: Int?
        if t.hasPrefix("0b") {
            v = Int(t.dropFirst(2), radix: 2)
        } else if t.hasPrefix("0x") {
            v = Int(t.dropFirst(2), radix: 16)
        } else if t.count > 1 && t.hasPrefix("0") {
            v = Int(t.dropFirst(), radix: 8)
        } else if t.contains(":") {
            v = t.split(separator: ":").reduce(0) { acc, part in acc * 60 + (Int(part) ?? 0) }
        } else {
            v = Int(t)
        }
        return v.map { $0 * sign }
    }

    /// Parses YAML text (the first document); an empty document is `none`.
    public init(yaml text: String) throws {
        guard let node = try Yams.compose(yaml: text) else {
            self = .none
            return
        }
        self = Value(yaml: node)
    }

    /// Converts Foundation JSON objects (`JSONSerialization` output) or plain Swift values.
    /// Foundation dictionaries are unordered: keys are sorted so output is at least deterministic; parse with
    /// `Value(json:)` to keep the document's order.
    public init(any: Any?) {
        switch any {
        case nil, is NSNull: self = .none
        case let v as Value: self = v
        case let b as Bool: self = .bool(b)
        case let i as Int: self = .int(i)
        case let d as Double: self = .double(d)
        case let n as NSNumber:
            switch String(cString: n.objCType) {
            case "c", "B": self = .bool(n.boolValue)
            case "d", "f": self = .double(n.doubleValue)
            default: self = .int(n.intValue)
            }
        case let s as String: self = .string(s)
        case let a as [Any?]: self = .list(a.map { Value(any: $0) })
        case let d as [String: Any?]:
            self = .dict(ValueDict(d.keys.sorted().map { ($0, Value(any: d[$0] ?? nil)) }))
        default: self = .string(String(describing: any!))
        }
    }

    /// Foundation objects for `JSONSerialization` and other Foundation APIs.
    public var foundationObject: Any {
        switch self {
        case .undefined, .none, .object: return NSNull()
        case .bool(let b): return b
        case .int(let i): return i
        case .double(let d): return d
        case .string(let s): return s
        case .list(let l), .tuple(let l): return l.map { $0.foundationObject }
        case .dict(let d):
            var r: [String: Any] = [:]
            for (k, v) in d.pairs { r[(try? k.pythonString()) ?? ""] = v.foundationObject }
            return r
        }
    }
}
