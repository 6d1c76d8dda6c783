import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ToolHostCore

/// Outermost: turns every failure into a JSON error answer with a stable code. Unexpected
/// errors are logged on stderr and answered with a sentence that reveals nothing internal.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxRequestBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = await answer(request, context: context, next: next)
        // HEAD: the status and headers of the answer, never its body (an error's included).
        return request.method == .head ? response.createHeadResponse() : response
    }

    private func answer(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async -> Response {
        do {
            return try await next(request, context)
        } catch let failure as HTTPFailure {
            return JSONResponses.error(failure.error, status: failure.status, headers: failure.headers)
        } catch let error as HTTPParserError {
            // The client cut its request short (or its connection was closed for being too
            // slow, and answered 408 already): nothing failed on the server's side.
            return JSONResponses.error(ToolHostError(.invalidRequest, "The request was cut short or malformed (\(error))."), status: .badRequest)
        } catch is NIOTooManyBytesError {
            return JSONResponses.error(ToolHostError(.requestTooLarge, "The request body is larger than \(maxRequestBytes) bytes (service.max_request_bytes)."),
                                       status: .contentTooLarge)
        } catch let error as any HTTPResponseError where error.status == .notFound {
            return JSONResponses.error(ToolHostError(.notFound, "No route \(request.method) \(request.uri.path); see GET /api/tools."), status: .notFound)
        } catch let error as any HTTPResponseError {
            return JSONResponses.error(ToolHostError(.invalidRequest, "\(error.status.code) \(error.status.reasonPhrase)."), status: error.status)
        } catch {
            context.logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            return JSONResponses.error(ToolHostError(.internalError, "The request could not be served (the server's log says why)."),
                                       status: .internalServerError)
        }
    }
}

/// Requires `Authorization: Bearer <token>` on everything but the open routes (`/healthz`);
/// the scheme's name in any case (`bearer`, `BEARER`), as RFC 9110 has it. A refused request
/// learns only that it was refused: the same answer whether the header was missing, malformed
/// or wrong, and the comparison takes the same time whatever the token's first difference.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]
    /// Whether a path is served without the token (`RouteTable.isOpen`).
    let isOpen: @Sendable (Substring) -> Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if isOpen(request.uri.path[...]) { return try await next(request, context) }
        var presented = Self.bearerToken(in: request.headers[.authorization] ?? "")
        // A browser reading the dashboard has the token in the cookie /ui/login set.
        if presented.isEmpty, DashboardRoutes.isView(request) { presented = DashboardRoutes.cookieToken(request) }
        guard Self.constantTimeEquals(presented, token) else {
            if DashboardRoutes.isView(request) {
                return Response(status: .seeOther, headers: [.location: "/ui/login", .cacheControl: "no-store"])
            }
            throw HTTPFailure(.unauthorized, .unauthorized, "A valid bearer token is required (Authorization: Bearer <token>).",
                              headers: [.wwwAuthenticate: "Bearer"])
        }
        return try await next(request, context)
    }

    /// The credentials of `Bearer <token>` (the scheme in any case, one or more spaces before
    /// the token); empty for any other header.
    static func bearerToken(in header: String) -> [UInt8] {
        let bytes = Array(header.utf8)
        let scheme = Array("bearer".utf8)
        guard bytes.count > scheme.count, bytes[scheme.count] == 0x20,
              zip(bytes, scheme).allSatisfy({ ($0 | 0x20) == $1 }) else { return [] }
        return Array(bytes.dropFirst(scheme.count).drop { $0 == 0x20 })
    }

    /// Looks at every byte of the longer of the two, whatever differs first.
    @inline(never)
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference: UInt8 = 0
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0 && a.count == b.count
    }
}

extension ErrorCode {
    /// The HTTP request body is over `service.max_request_bytes`.
    static let requestTooLarge = ErrorCode("request_too_large")
    /// The request carried no valid bearer token.
    static let unauthorized = ErrorCode("unauthorized")
}
