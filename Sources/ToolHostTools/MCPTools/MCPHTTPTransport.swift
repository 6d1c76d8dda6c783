import Synchronization
import ToolHostCore
import ToolHostNetwork

/// An MCP server over Streamable HTTP (revision 2025-06-18): each JSON-RPC message is POSTed
/// to the server's one endpoint (`Accept: application/json, text/event-stream`); the answer is
/// a JSON body or a Server-Sent Events stream that carries it. The `Mcp-Session-Id` the server
/// gives at `initialize` goes with every later request (and a 404 then means the session is
/// gone: a new one is started); `close` ends it with a DELETE.
final class MCPHTTPTransport: MCPTransport {
    private let spec: MCPServerSpec
    private let url: String
    private let headers: [HTTPHeader]
    private struct State {
        var sessionID: String?
        var protocolVersion: String?
        var lastID: Int64 = 0
        var ended = false
    }

    private let state = Mutex(State())

    /// `network`: the hosts tools may reach (`network.allowed_hosts`); the server's must be one.
    init(_ spec: MCPServerSpec, environment: [String: String], network: NetworkSettings) throws(ToolHostError) {
        guard let url = spec.url, let parsed = HTTPURL(url) else {
            throw ToolHostError(.invalidToolDefinition, "Tool '\(spec.entryID)': its mcp url \(spec.url ?? "") is not an http:// or https:// URL.")
        }
        guard network.allows(host: parsed.host) else { throw network.refusal(host: parsed.host, toolID: spec.entryID) }
        self.spec = spec
        self.url = url
        // Header values may name variables (`Bearer ${DOCS_TOKEN}`): the host's, since no child runs.
        var expansion = EnvironmentExpansion(environment: environment)
        var headers: [HTTPHeader] = []
        for (name, value) in spec.headers.sorted(by: { $0.key < $1.key }) {
            do {
                headers.append(HTTPHeader(name, try expansion.expand(value)))
            } catch {
                throw ToolHostError(.invalidToolDefinition, "Tool '\(spec.entryID)': mcp header \(name): \(error.message).")
            }
        }
        self.headers = headers
    }

    var isAlive: Bool { !state.withLock { $0.ended } }

    func request(_ method: String, params: JSONValue?, deadline: Double, cancellation: CallCancellation?) throws(ToolHostError) -> JSONObject {
        let id = state.withLock { state in
            state.lastID += 1
            return state.lastID
        }
        let response = try post(JSONRPC.request(id: id, method: method, params: params), deadline: deadline, cancellation: cancellation, method: method)
        let messages = try Self.messages(in: response, label: spec.label, method: method)
        for message in messages where message["method"] != nil && message["id"] != nil {
            // The server asks something while answering (ping): answered on the side.
            _ = try? post(JSONRPC.reply(toServerRequest: message), deadline: min(deadline, MonotonicClock.now() + 5), cancellation: nil, method: "reply")
        }
        guard let answer = messages.first(where: { $0["method"] == nil && JSONRPC.id(of: $0) == id }) else {
            throw ToolHostError(.mcpProtocolError, "\(spec.label) answered \(method) without a JSON-RPC answer to it (HTTP \(response.status)).")
        }
        if method == "initialize" {
            let version = answer["result"]?["protocolVersion"]?.stringValue
            let session = response.header("Mcp-Session-Id")
            state.withLock { state in
                state.protocolVersion = version
                state.sessionID = session
            }
        }
        return answer
    }

    func notify(_ method: String, params: JSONValue?, deadline: Double) {
        _ = try? post(JSONRPC.notification(method, params: params), deadline: min(deadline, MonotonicClock.now() + 5), cancellation: nil, method: method)
    }

    func close() {
        let session = state.withLock { state in
            state.ended = true
            return state.sessionID
        }
        guard let session else { return }
        var request = HTTPRequest(method: "DELETE", url: url, headers: headers + [HTTPHeader("Mcp-Session-Id", session)])
        request.body = nil
        _ = try? HTTPClient.send(request, timeoutSeconds: 2)
    }

    private func post(_ message: JSONValue, deadline: Double, cancellation: CallCancellation?, method: String) throws(ToolHostError) -> HTTPResponse {
        let (session, version) = state.withLock { ($0.sessionID, $0.protocolVersion) }
        var headers = headers + [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Accept", "application/json, text/event-stream")]
        if let session { headers.append(HTTPHeader("Mcp-Session-Id", session)) }
        if let version { headers.append(HTTPHeader("MCP-Protocol-Version", version)) }
        let remaining = deadline - MonotonicClock.now()
        guard remaining > 0 else { throw ToolHostError(.timeout, "\(spec.label) did not answer \(method) in time.") }
        let response: HTTPResponse
        do {
            response = try HTTPClient.send(HTTPRequest(method: "POST", url: url, headers: headers, body: JSONWriter.bytes(message)),
                                           timeoutSeconds: remaining, cancellation: cancellation)
        } catch {
            switch error.kind {
            case .timedOut: throw ToolHostError(.timeout, "\(spec.label) did not answer \(method) in time.")
            case .cancelled: throw ToolHostError(.cancelled, "The call to \(spec.label) was cancelled.")
            case .unreachable:
                state.withLock { $0.ended = true }
                throw ToolHostError(.mcpServerUnavailable, "\(spec.label) cannot be reached: \(error.message)",
                                    details: ["server": .string(spec.serverName), "url": .string(url), "sent": false])
            default:
                throw ToolHostError(.mcpProtocolError, "\(spec.label) answered \(method) with something that is not HTTP: \(error.message)",
                                    details: ["server": .string(spec.serverName), "url": .string(url)])
            }
        }
        if response.status == 404, session != nil {
            // The server forgot the session (it restarted): a new one, initialized again.
            state.withLock { $0.ended = true }
            throw ToolHostError(.mcpServerUnavailable, "\(spec.label) no longer knows this session (HTTP 404).",
                                details: ["server": .string(spec.serverName), "url": .string(url), "sent": false])
        }
        guard (200..<300).contains(response.status) else {
            let body = String(decoding: response.body.prefix(300), as: UTF8.self)
            throw ToolHostError(.mcpServerUnavailable, "\(spec.label) answered \(method) with HTTP \(response.status): \(body)",
                                details: ["server": .string(spec.serverName), "url": .string(url), "status": .int(response.status)])
        }
        return response
    }

    /// The JSON-RPC messages of an answer: a JSON body (one message or a batch), or the `data`
    /// of each event of a `text/event-stream` body; none for 202 Accepted.
    static func messages(in response: HTTPResponse, label: String, method: String) throws(ToolHostError) -> [JSONObject] {
        if response.status == 202 || response.body.isEmpty { return [] }
        let type = (response.header("Content-Type") ?? "").lowercased()
        var payloads: [[UInt8]] = []
        if type.hasPrefix("text/event-stream") {
            payloads = ServerSentEvents.data(of: response.body)
        } else {
            payloads = [response.body]
        }
        var messages: [JSONObject] = []
        for payload in payloads {
            guard let value = try? JSONParser.parse(payload) else {
                throw ToolHostError(.mcpProtocolError, "\(label) answered \(method) with a body that is not JSON (Content-Type \(type)).")
            }
            switch value {
            case .object(let object): messages.append(object)
            case .array(let batch): messages += batch.compactMap(\.objectValue)
            default: break
            }
        }
        return messages
    }
}

/// The `data` of each event of a Server-Sent Events body (lines `data: ...` up to a blank line,
/// several `data` lines joined with newlines; comments and other fields skipped).
enum ServerSentEvents {
    static func data(of body: [UInt8]) -> [[UInt8]] {
        var events: [[UInt8]] = []
        var current: [UInt8]?
        for rawLine in body.split(separator: 0x0A, omittingEmptySubsequences: false) {
            var line = Array(rawLine)
            if line.last == 0x0D { line.removeLast() }
            if line.isEmpty {
                if let data = current { events.append(data) }
                current = nil
                continue
            }
            let prefix = Array("data:".utf8)
            guard line.starts(with: prefix) else { continue }
            var value = Array(line.dropFirst(prefix.count))
            if value.first == 0x20 { value.removeFirst() }
            current = current.map { $0 + [0x0A] + value } ?? value
        }
        if let data = current { events.append(data) }
        return events
    }
}
