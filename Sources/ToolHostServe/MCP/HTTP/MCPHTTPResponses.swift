import HTTPTypes
import Hummingbird
import ToolHostCore

/// The bodies `/mcp` answers with: one JSON-RPC message as `application/json`, or the messages
/// of an exchange as a `text/event-stream` (`event: message` frames) ending with its response.
enum MCPHTTPResponses {
    static func json(_ message: JSONValue, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(message))))
    }

    static func rpcError(_ id: JSONValue?, code: Int, status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
        json(MCPRevision.errorResponse(id: id, code: code, message: message), status: status, headers: headers)
    }

    /// The HTTP status of a 2026-07-28 answer, from its JSON-RPC error code (as the revision's
    /// table has it); 200 for a result and for codes it does not map.
    static func statelessStatus(of message: JSONValue) -> HTTPResponse.Status {
        guard let code = message["error"]?["code"]?.integerValue else { return .ok }
        switch code {
        case MCPRevision.parseError, MCPRevision.invalidRequest, MCPRevision.invalidParams, MCPRevision.headerMismatch,
             MCPRevision.missingRequiredClientCapability, MCPRevision.unsupportedProtocolVersion: return .badRequest
        case MCPRevision.methodNotFound: return .notFound
        default: return .ok
        }
    }

    static func statelessError(_ message: JSONValue) -> Response { json(message, status: statelessStatus(of: message)) }

    /// Hands `request` to `transport` and answers with what comes back, each message passed
    /// through `shape`: JSON when the response comes first (or the client takes no stream),
    /// SSE when something comes before it. A client that goes away while the stream is open
    /// cancels the call.
    static func exchange(_ request: JSONValue, on transport: MCPExchangeTransport, accept: MCPAccept, stateless: Bool = false,
                         shape: @escaping @Sendable (JSONValue) -> JSONValue) async throws -> Response {
        let replies = Replies(await transport.exchange(request))
        while let first = await replies.next() {
            if first["method"] == nil {
                let answer = shape(first)
                return json(answer, status: stateless ? statelessStatus(of: answer) : .ok)
            }
            guard accept.eventStream else { continue }  // nowhere to put it: dropped
            let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache, no-transform"]
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                do {
                    try await writer.write(event(shape(first)))
                    while let next = await replies.next() { try await writer.write(event(shape(next))) }
                    try await writer.finish(nil)
                } catch {
                    await transport.abandon(request)
                    throw error
                }
            })
        }
        return Response(status: .accepted)  // cancelled: no answer is owed
    }

    static func event(_ message: JSONValue) -> ByteBuffer {
        var bytes = Array("event: message\ndata: ".utf8)
        bytes += JSONWriter.bytes(message)
        bytes += Array("\n\n".utf8)
        return ByteBuffer(bytes: bytes)
    }
}

/// An exchange's replies, read by the route and then by the response body's writer (one at a
/// time: the route stops reading before it hands the stream on).
private final class Replies: @unchecked Sendable {
    private var iterator: AsyncStream<JSONValue>.Iterator

    init(_ stream: AsyncStream<JSONValue>) { iterator = stream.makeAsyncIterator() }

    func next() async -> JSONValue? { await iterator.next() }
}
