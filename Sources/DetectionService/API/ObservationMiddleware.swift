import Foundation
import Hummingbird
import Logging

/// Outermost middleware: every request is timed and counted by route and status, and every
/// error becomes a JSON error response (unknown errors are logged and answered 500 without detail).
struct ObservationMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let code: String
            switch error.status.code {
            case 404: code = "not_found"
            case 405: code = "method_not_allowed"
            case 413: code = "payload_too_large"
            default: code = "http_\(error.status.code)"
            }
            let apiError = APIError(
                status: error.status, code: code, message: error.body ?? error.status.reasonPhrase, field: nil,
                headers: error.headers)
            response = try apiError.response(from: request, context: context)
        } catch {
            context.logger.error(
                "request failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            response = try APIError(
                status: .internalServerError, code: "internal_error",
                message: "internal error; see the service log (request id \(context.id))", field: nil
            ).response(from: request, context: context)
        }
        // Unmatched paths share one label so scanners cannot blow up the series count.
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(
            route: route, method: request.method.rawValue, status: response.status.code,
            duration: ContinuousClock.now - start)
        return response
    }
}
