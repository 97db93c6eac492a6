import Foundation
import Hummingbird

/// An error the client caused or may retry; rendered as
/// `{"error": {"status": 400, "code": "invalid_request", "message": "values[3]: ...", "field": "values[3]"}}`.
struct APIError: Error, HTTPResponseError, CustomStringConvertible {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var field: String?
    var headers: HTTPFields = [:]

    static func invalid(_ field: String, _ reason: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_request", message: "\(field): \(reason)", field: field)
    }

    var description: String { "\(status.code) \(code): \(message)" }

    struct Body: Encodable {
        struct Detail: Encodable {
            var status: Int
            var code: String
            var message: String
            var field: String?
        }
        var error: Detail
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Self.jsonResponse(
            status: status, headers: headers,
            Body(error: .init(status: status.code, code: code, message: message, field: field)))
    }

    static func jsonResponse(status: HTTPResponse.Status, headers: HTTPFields = [:], _ value: some Encodable)
        -> Response
    {
        let data = (try? JSONEncoder().encode(value)) ?? Data("{}".utf8)
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A JSON response from a document written with `JSONWriter`.
    static func jsonResponse(status: HTTPResponse.Status, _ write: (inout JSONWriter) -> Void) -> Response {
        var json = JSONWriter()
        write(&json)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: json.buffer))
    }
}
