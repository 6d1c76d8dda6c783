import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MCP
import ToolHostCore
import ToolHostService

/// `/mcp` on `toolhost serve --http`: MCP over the Streamable HTTP transport, behind the same
/// middleware as every route (bearer token, request size, connection limits).
///
/// Both revisions on one URL, told apart per request:
/// - **2025-11-25 (sessions).** `initialize` without `Mcp-Session-Id` opens a session (an SDK
///   `Server` of its own, `MCPHTTPSessions`) and the answer names it in `Mcp-Session-Id`; every
///   later request must carry it (unknown or expired: 404, the client starts over), and
///   `MCP-Protocol-Version`, when sent, must be a handshake version (else 400). DELETE ends a
///   session. GET is 405 (the spec allows it): no standalone stream is opened, so
///   `tools/list_changed` is not sent over HTTP (a server held open by idle GET streams would
///   also outlast its shutdown grace); the servers of sessions announce nothing.
/// - **2026-07-28 (stateless).** A request whose `MCP-Protocol-Version` is 2026-07-28 (or,
///   without a session, whose `params._meta` carries the envelope) is one self-contained exchange on
///   one server shared by all such requests: checked by `MCPEraGate.refusal` (envelope,
///   `MCP-Protocol-Version`/`Mcp-Method`/`Mcp-Name` against the body, version), answered with
///   the revision's fields (`MCPStatelessResult`), and JSON-RPC errors carry the revision's HTTP
///   status (400 for -32700/-32600/-32602/-32020/-32022, 404 for -32601).
///
/// A POSTed request is answered `application/json`, unless the server sends something for it
/// before its response (progress notifications of a call with a `progressToken`, an
/// `elicitation/create`) and the client accepts `text/event-stream`: then the answer is an SSE
/// stream of those messages ending with the response. Notifications and client responses are
/// acknowledged 202. Every request's `Origin` must pass `MCPOriginPolicy` (403 otherwise).
struct MCPHTTPEndpoint: Sendable {
    static let path = "/mcp"
    let host: ServiceHost
    let sessions: MCPHTTPSessions
    let origins: MCPOriginPolicy
    let results: MCPStatelessResult
    private let stateless: MCPStatelessServer

    init(host: ServiceHost) {
        self.host = host
        let service = host.config.service
        sessions = MCPHTTPSessions(maxSessions: service.mcpMaxSessions, idleSeconds: service.mcpSessionIdleSeconds)
        // A page the operator lets call the API (CORS) may call /mcp too; `*` there does not
        // lift the DNS-rebinding defence here: only origins named.
        origins = MCPOriginPolicy(allowedOrigins: service.mcpAllowedOrigins + service.corsOrigins.filter { $0 != "*" })
        results = MCPStatelessResult(version: ToolHostVersion.current, ttlMs: service.mcpListTTLMilliseconds,
                                     tokenRequired: service.authToken != nil)
        stateless = MCPStatelessServer(host: host)
    }

    /// POST, DELETE and GET `/mcp`, declared in the route table like every route (so they get
    /// 405s, HEAD, CORS and their place in the OpenAPI document; `MCPHTTPEndpoint+Routes`).
    var routes: [APIRoute] {
        [APIRoute(.post, Self.path, Self.postOperation) { request, _ in try await post(request) },
         APIRoute(.delete, Self.path, Self.deleteOperation) { request, _ in await delete(request) },
         APIRoute(.get, Self.path, Self.getOperation) { request, _ in
             guard origins.allows(request.headers[.origin]) else { return Self.forbiddenOrigin }
             return MCPHTTPResponses.rpcError(nil, code: MCPRevision.invalidRequest, status: .methodNotAllowed,
                                              "ToolHost opens no standalone stream: POST requests to /mcp.",
                                              headers: [.allow: "POST, DELETE"])
         }]
    }

    static let sessionField = HTTPField.Name("Mcp-Session-Id")!
    static let versionField = HTTPField.Name("MCP-Protocol-Version")!
    static let methodField = HTTPField.Name("Mcp-Method")!
    static let nameField = HTTPField.Name("Mcp-Name")!

    static var forbiddenOrigin: Response {
        MCPHTTPResponses.rpcError(nil, code: MCPRevision.invalidRequest, status: .forbidden,
                                  "The Origin of this request is not allowed (list it in service.mcp.http.allowed_origins).")
    }

    private func post(_ request: Request) async throws -> Response {
        guard origins.allows(request.headers[.origin]) else { return Self.forbiddenOrigin }
        let accept = MCPAccept(request.headers[.accept])
        guard accept.json || accept.eventStream else {
            return MCPHTTPResponses.rpcError(nil, code: MCPRevision.invalidRequest, status: .notAcceptable,
                                             "Accept application/json and text/event-stream to talk to /mcp.")
        }
        let buffer = try await request.body.collect(upTo: host.config.service.maxRequestBytes)
        let message: JSONValue
        do {
            message = try JSONParser.parse(Array(buffer.readableBytesView), options: .request)
        } catch {
            return MCPHTTPResponses.rpcError(nil, code: MCPRevision.parseError, status: .badRequest, "Parse error: \(error).")
        }
        guard case .object = message else {
            return MCPHTTPResponses.rpcError(nil, code: MCPRevision.invalidRequest, status: .badRequest,
                                             "The body must be one JSON-RPC request, notification or response object.")
        }
        let version = request.headers[Self.versionField]
        // A 2026-07-28 request is served as such whatever else it carries (a session id from an
        // earlier connection means nothing at that revision).
        if version.map(MCPRevision.statelessVersions.contains) == true {
            return try await statelessExchange(message, request: request, accept: accept)
        }
        if let id = request.headers[Self.sessionField] {
            return try await inSession(id, message, version: version, accept: accept)
        }
        if message["method"]?.stringValue == "initialize", message["id"] != nil {
            return try await initialize(message, version: version)
        }
        if MCPRevision.hasStatelessEnvelope(message["params"]) {
            return try await statelessExchange(message, request: request, accept: accept)
        }
        return MCPHTTPResponses.rpcError(message["id"], code: MCPRevision.invalidRequest, status: .badRequest,
                                         "No Mcp-Session-Id: send initialize first (2025-11-25), or the 2026-07-28 envelope in params._meta.")
    }

    private func inSession(_ id: String, _ message: JSONValue, version: String?, accept: MCPAccept) async throws -> Response {
        guard let session = await sessions.session(id) else {
            return MCPHTTPResponses.rpcError(message["id"], code: MCPRevision.invalidRequest, status: .notFound,
                                             "No session \(id.prefix(64)) (it ended or expired): send initialize again.")
        }
        if let version, !MCPRevision.handshakeVersions.contains(version) {
            return MCPHTTPResponses.rpcError(message["id"], code: MCPRevision.invalidRequest, status: .badRequest,
                                             "Unsupported MCP-Protocol-Version \(version.prefix(40)) in a session (supported: \(MCPRevision.handshakeVersions.joined(separator: ", "))).")
        }
        session.touch()
        defer { session.touch() }
        if let refusal = session.gate.admit(message) { return MCPHTTPResponses.json(refusal, status: .badRequest) }
        guard message["method"] != nil, message["id"] != nil else {
            await session.transport.deliver(message)
            return Response(status: .accepted)
        }
        return try await MCPHTTPResponses.exchange(MCPRequestSpan.carryingContext(message), on: session.transport, accept: accept) { $0 }
    }

    private func initialize(_ message: JSONValue, version: String?) async throws -> Response {
        let transport = MCPExchangeTransport(logger: Logger(label: "toolhost.mcp.http"))
        let id = MCPHTTPSessions.newID()
        var frontEnd = MCPFrontEnd(host: host)
        frontEnd.transportName = "tcp"
        frontEnd.sessionID = id
        let server = try await frontEnd.start(on: transport, announcingListChanges: false)
        let session = MCPHTTPSession(id: id, server: server, transport: transport,
                                     gate: MCPEraGate(era: .handshake, results: results))
        guard await sessions.add(session) else {
            await server.stop()
            return MCPHTTPResponses.rpcError(message["id"], code: MCPRevision.invalidRequest, status: .serviceUnavailable,
                                             "Too many open MCP sessions (service.mcp.http.max_sessions is \(sessions.maxSessions)): end one with DELETE, or retry later.",
                                             headers: [.retryAfter: "1"])
        }
        var answer: JSONValue = .null
        for await reply in await transport.exchange(message) where reply["method"] == nil { answer = reply }
        guard answer["result"] != nil else {
            await sessions.end(session.id)
            return MCPHTTPResponses.json(answer, status: .badRequest)
        }
        return MCPHTTPResponses.json(answer, headers: [Self.sessionField: session.id])
    }

    private func delete(_ request: Request) async -> Response {
        guard origins.allows(request.headers[.origin]) else { return Self.forbiddenOrigin }
        guard let id = request.headers[Self.sessionField] else {
            return MCPHTTPResponses.rpcError(nil, code: MCPRevision.invalidRequest, status: .badRequest, "DELETE /mcp needs the Mcp-Session-Id of the session to end.")
        }
        guard await sessions.end(id) else {
            return MCPHTTPResponses.rpcError(nil, code: MCPRevision.invalidRequest, status: .notFound, "No session \(id.prefix(64)) (it ended or expired).")
        }
        return Response(status: .noContent)
    }

    private func statelessExchange(_ message: JSONValue, request: Request, accept: MCPAccept) async throws -> Response {
        guard let method = message["method"]?.stringValue else {
            return MCPHTTPResponses.rpcError(nil, code: MCPRevision.invalidRequest, status: .badRequest,
                                             "A 2026-07-28 POST is one request or notification; there is no server request to answer.")
        }
        guard message["id"] != nil else {
            // The revision defines no client notification over HTTP (a client cancels by closing
            // the response): acknowledged and dropped, at a version served.
            let version = request.headers[Self.versionField] ?? ""
            guard MCPRevision.statelessVersions.contains(version) else {
                return MCPHTTPResponses.json(MCPRevision.unsupportedVersionError(id: nil, requested: .string(version)), status: .badRequest)
            }
            return Response(status: .accepted)
        }
        for field in [Self.versionField, Self.methodField, Self.nameField] where request.headers[values: field].count > 1 {
            return MCPHTTPResponses.statelessError(MCPRevision.errorResponse(id: message["id"], code: MCPRevision.headerMismatch,
                                                                             message: "The \(field.canonicalName) header appears more than once."))
        }
        let headers = MCPRoutingHeaders(protocolVersion: request.headers[Self.versionField], method: request.headers[Self.methodField],
                                        name: request.headers[Self.nameField])
        if let refusal = MCPEraGate.refusal(of: message, method: method, headers: headers) {
            return MCPHTTPResponses.statelessError(refusal)
        }
        let transport = try await stateless.transport()
        let results = results
        return try await MCPHTTPResponses.exchange(MCPRequestSpan.carryingContext(message), on: transport, accept: accept,
                                                   stateless: true) { reply in
            reply["method"] == nil ? results.decorate(reply, method: method) : reply
        }
    }
}

/// The one SDK `Server` every 2026-07-28 request is served by, started on first use. It is
/// never initialized: each request carries what `initialize` would have said.
private actor MCPStatelessServer {
    let host: ServiceHost
    private var transport: MCPExchangeTransport?

    init(host: ServiceHost) { self.host = host }

    func transport() async throws -> MCPExchangeTransport {
        if let transport { return transport }
        let made = MCPExchangeTransport(logger: Logger(label: "toolhost.mcp.http"))
        var frontEnd = MCPFrontEnd(host: host)
        frontEnd.transportName = "tcp"
        _ = try await frontEnd.start(on: made, announcingListChanges: false)
        transport = made
        return made
    }
}

/// What a request's `Accept` lets the answer be (absent: anything).
struct MCPAccept: Sendable {
    let json: Bool
    let eventStream: Bool

    init(_ header: String?) {
        let types = (header ?? "*/*").lowercased().split(separator: ",").map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces) }
        json = types.contains { $0 == "application/json" || $0 == "application/*" || $0 == "*/*" }
        eventStream = types.contains { $0 == "text/event-stream" || $0 == "text/*" || $0 == "*/*" }
    }
}
