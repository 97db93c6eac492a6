import AnomalyDetection
import Foundation

/// The body of `POST /api/v1/detect`, decoded and validated; every rejection names its field.
struct DetectRequest {
    var timestamps: TimestampColumn
    var values: [Double]
    var method: DetectionMethod
    var options: DetectionOptions
    /// Only meaningful for `ensemble`; stored and echoed.
    var ensembleThreshold: Int?

    struct Wire: Decodable, Equatable {
        var timestamps: TimestampColumn
        var values: [Double]
        var method: String?
        var sensitivity: Double?
        var ensemble_threshold: Double?
        var ensemble_methods: [String]?
        var ewma_alpha: Double?
        var contamination: Double?
    }

    /// The fast path for well-formed bodies, else Foundation's decoder, whose errors name the field.
    static func decode(_ body: Data) throws -> Wire {
        if let wire = FastDetectParser.parse(body) { return wire }
        do {
            return try JSONDecoder().decode(Wire.self, from: body)
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw APIError.invalid("body", "not valid JSON")
        }
    }

    static let methodNames = DetectionMethod.allCases.map(\.rawValue).joined(separator: ", ")

    static func parse(_ body: Data, maxPoints: Int) throws -> DetectRequest {
        let wire = try decode(body)
        guard !wire.values.isEmpty else { throw APIError.invalid("values", "the series is empty") }
        guard wire.values.count <= maxPoints else {
            throw APIError.invalid("values", "\(wire.values.count) points is more than the limit of \(maxPoints)")
        }
        guard wire.timestamps.count == wire.values.count else {
            throw APIError.invalid(
                "timestamps",
                "has \(wire.timestamps.count) entries but values has \(wire.values.count); they must pair up")
        }
        if let i = wire.values.firstIndex(where: { !$0.isFinite }) {
            throw APIError.invalid("values[\(i)]", "not a finite number")
        }
        if let i = wire.timestamps.firstInvalid() {
            throw APIError.invalid(
                "timestamps[\(i)]",
                "`\(wire.timestamps[i].prefix(40))` is not an ISO 8601 time such as 2024-05-01T12:00:00Z")
        }

        let methodName = wire.method ?? DetectionMethod.zscore.rawValue
        guard let method = DetectionMethod(rawValue: methodName) else {
            let hint =
                methodName == "isolationforest" || methodName == "isolation-forest"
                ? " (did you mean isolation_forest?)" : ""
            throw APIError.invalid("method", "`\(methodName.prefix(40))` is not one of \(methodNames)\(hint)")
        }
        var options = DetectionOptions()
        if let s = wire.sensitivity {
            guard s.isFinite, s > 0, s <= 100 else { throw APIError.invalid("sensitivity", "must be in (0, 100]") }
            options.sensitivity = s
        }
        if let names = wire.ensemble_methods {
            guard !names.isEmpty else { throw APIError.invalid("ensemble_methods", "must name at least one method") }
            var members: [DetectionMethod] = []
            for (i, name) in names.enumerated() {
                guard let m = DetectionMethod(rawValue: name), m != .ensemble else {
                    throw APIError.invalid(
                        "ensemble_methods[\(i)]",
                        "`\(name.prefix(40))` is not one of zscore, mad, iqr, ewma, isolation_forest")
                }
                guard !members.contains(m) else {
                    throw APIError.invalid("ensemble_methods[\(i)]", "`\(name)` is listed twice")
                }
                members.append(m)
            }
            options.ensembleMethods = members
        }
        if let t = wire.ensemble_threshold.map({ $0.rounded() == $0 && abs($0) < 1e6 ? Int($0) : -1 }) {
            guard (1...options.ensembleMethods.count).contains(t) else {
                throw APIError.invalid(
                    "ensemble_threshold",
                    "must be between 1 and the number of ensemble methods (\(options.ensembleMethods.count))")
            }
            options.ensembleThreshold = t
        }
        if let a = wire.ewma_alpha {
            guard a.isFinite, a > 0, a <= 1 else { throw APIError.invalid("ewma_alpha", "must be in (0, 1]") }
            options.ewmaAlpha = a
        }
        if let c = wire.contamination {
            guard c.isFinite, c > 0, c <= 0.5 else { throw APIError.invalid("contamination", "must be in (0, 0.5]") }
            options.contamination = c
        }
        return DetectRequest(
            timestamps: wire.timestamps, values: wire.values, method: method, options: options,
            ensembleThreshold: method == .ensemble ? options.ensembleThreshold : nil)
    }

    /// Turns a decoding failure into a message naming the JSON path, e.g. `values[3]: expected a number`.
    static func describe(_ error: DecodingError) -> APIError {
        func path(_ keys: [any CodingKey]) -> String {
            var out = ""
            for k in keys {
                if let i = k.intValue {
                    out += "[\(i)]"
                } else {
                    out += out.isEmpty ? k.stringValue : ".\(k.stringValue)"
                }
            }
            return out
        }
        func typeName(_ type: Any.Type) -> String {
            switch type {
            case is Double.Type, is Float.Type: return "a number"
            case is Int.Type: return "a whole number"
            case is String.Type: return "a string"
            case is [String].Type, is [Double].Type: return "an array"
            default: return "an object"
            }
        }
        switch error {
        case .typeMismatch(let type, let ctx):
            let field = path(ctx.codingPath)
            return .invalid(field.isEmpty ? "body" : field, "expected \(typeName(type))")
        case .valueNotFound(let type, let ctx):
            let field = path(ctx.codingPath)
            return .invalid(field.isEmpty ? "body" : field, "expected \(typeName(type)), found null")
        case .keyNotFound(let key, let ctx):
            return .invalid(path(ctx.codingPath + [key]), "is required")
        case .dataCorrupted(let ctx):
            let field = path(ctx.codingPath)
            if field.isEmpty {
                let detail = ctx.underlyingError.map { "\($0)" } ?? ctx.debugDescription
                return .invalid("body", "not valid JSON (\(detail.prefix(160)))")
            }
            return .invalid(field, "not a valid value (\(ctx.debugDescription.prefix(120)))")
        @unknown default:
            return .invalid("body", "could not be decoded")
        }
    }
}
