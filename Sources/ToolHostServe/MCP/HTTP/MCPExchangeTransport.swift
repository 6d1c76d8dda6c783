import Foundation
import Logging
import MCP
import ToolHostCore

/// The Transport between one SDK `Server` and the HTTP requests that reach it: each POSTed
/// request is an *exchange* whose server messages (its progress notifications, then its
/// response) come back on a stream of its own, so that its HTTP response carries exactly them.
///
/// Why a transport of ours and not the SDK's HTTP server transports: ToolHost's tools are
/// dispatched by `MCPFrontEnd`'s handlers on an SDK `Server` for stdio; giving HTTP the same
/// `Server` (one per session, one shared by the stateless requests) over this transport keeps
/// ONE dispatch path for both, while the HTTP side (sessions, their bounds and expiry, Origin,
/// the 2026-07-28 headers and statuses, answering JSON unless something must stream) stays in
/// ToolHost's own code (`MCPHTTPEndpoint`), where the SDK's transports (0.12.1) would answer
/// every POST as SSE and know nothing of the stateless revision.
///
/// Ids: clients choose request ids and progress tokens, and many stateless clients share one
/// server, so each exchange's id (and progress token) is replaced by a unique one on the way
/// in and restored on the way out. A server request of no exchange (`elicitation/create`,
/// sent while a call waits for the person's answer) goes out on an exchange still open; a
/// notification of none (`tools/list_changed`) has nowhere to go, as `/mcp` opens no
/// standalone GET stream, and is dropped.
actor MCPExchangeTransport: Transport {
    nonisolated let logger: Logger
    private let stream: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation

    private struct Exchange {
        let originalID: JSONValue
        let originalToken: JSONValue?
        let sink: AsyncStream<JSONValue>.Continuation
    }

    private var exchanges: [String: Exchange] = [:]
    /// The client's id of an exchange in flight → ours, for `notifications/cancelled`.
    private var ownIDs: [MCPRequestKey: String] = [:]
    private var counter = 0

    init(logger: Logger) {
        self.logger = logger
        (stream, continuation) = AsyncThrowingStream<Data, Swift.Error>.makeStream()
    }

    func connect() async throws {}

    func disconnect() async {
        continuation.finish()
        for exchange in exchanges.values { exchange.sink.finish() }
        exchanges = [:]
        ownIDs = [:]
    }

    func receive() -> AsyncThrowingStream<Data, Swift.Error> { stream }

    /// Requests in flight (a session with any is not idle).
    var inFlight: Int { exchanges.count }

    /// Hands `request` to the server; the stream yields what the server sends for it and ends
    /// after its response (ids restored).
    func exchange(_ request: JSONValue) -> AsyncStream<JSONValue> {
        counter += 1
        let own = "toolhost-\(counter)"
        var message = request
        var token: JSONValue?
        if case .object(var object) = message {
            object["id"] = .string(own)
            if case .object(var params)? = object["params"], case .object(var meta)? = params["_meta"], let original = meta["progressToken"] {
                token = original
                meta["progressToken"] = .string(own)
                params["_meta"] = .object(meta)
                object["params"] = .object(params)
            }
            message = .object(object)
        }
        let (answers, sink) = AsyncStream<JSONValue>.makeStream()
        exchanges[own] = Exchange(originalID: request["id"] ?? .null, originalToken: token, sink: sink)
        if let key = MCPRequestKey(request["id"]) { ownIDs[key] = own }
        continuation.yield(Data(JSONWriter.bytes(message)))
        return answers
    }

    /// A client message that gets no answer: a notification (a cancellation names the
    /// exchange by our id), or the client's response to a server request.
    func deliver(_ message: JSONValue) {
        var message = message
        if message["method"]?.stringValue == "notifications/cancelled", let key = MCPRequestKey(message["params"]?["requestId"]),
           let own = ownIDs[key], case .object(var object) = message, case .object(var params)? = object["params"] {
            params["requestId"] = .string(own)
            object["params"] = .object(params)
            message = .object(object)
            finish(own, with: nil)  // a cancelled request gets no answer: its HTTP response ends empty
        }
        continuation.yield(Data(JSONWriter.bytes(message)))
    }

    /// An exchange whose HTTP client went away: forgotten, and its call cancelled.
    func abandon(_ request: JSONValue) {
        guard let key = MCPRequestKey(request["id"]), let own = ownIDs[key] else { return }
        finish(own, with: nil)
        continuation.yield(Data(JSONWriter.bytes(["jsonrpc": "2.0", "method": "notifications/cancelled",
                                                   "params": ["requestId": .string(own), "reason": "The HTTP request was closed."]])))
    }

    func send(_ data: Data) async throws {
        guard case .object(var object)? = try? JSONParser.parse([UInt8](data)) else { return }
        if object["method"] == nil, let own = object["id"]?.stringValue, let exchange = exchanges[own] {
            object["id"] = exchange.originalID
            finish(own, with: .object(object))
            return
        }
        if object["method"]?.stringValue == "notifications/progress", let own = object["params"]?["progressToken"]?.stringValue,
           let exchange = exchanges[own], case .object(var params)? = object["params"] {
            params["progressToken"] = exchange.originalToken ?? .string(own)
            object["params"] = .object(params)
            exchange.sink.yield(.object(object))
            return
        }
        if object["id"] != nil, let exchange = exchanges.values.first {
            exchange.sink.yield(.object(object))
        }
    }

    private func finish(_ own: String, with response: JSONValue?) {
        guard let exchange = exchanges.removeValue(forKey: own) else { return }
        if let key = MCPRequestKey(exchange.originalID), ownIDs[key] == own { ownIDs[key] = nil }
        if let response { exchange.sink.yield(response) }
        exchange.sink.finish()
    }
}
