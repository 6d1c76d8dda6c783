import ToolHostCore

/// HTTP/1.1 for ToolHost's own clients (embedding servers, model servers, HTTP APIs, MCP
/// servers over HTTP): one request per connection, answers by `Content-Length`, chunks or
/// close, and one deadline for the whole exchange. Plain `http://` goes over ToolHost's own
/// sockets; `https://` through libcurl (`CurlTransport`), loaded only then. Foundation's
/// URLSession would do both but links libcurl into every `toolhost` process, which costs
/// start-up time on every call; and libcurl for http too would load it on every one-shot call
/// to a local server: 5–6 ms (`Benchmarks/curl_load_cost.sh`) on a ~11 ms `run`.
public enum HTTPClient {
    /// Sends `request` and returns the whole answer, or fails within `timeoutSeconds` in all;
    /// gives up with `.cancelled` as soon as `cancellation` is cancelled. `caFile` (PEM) adds
    /// trusted certificates for https://.
    /// The request carries the current span's `traceparent` (and `tracestate`) unless it has
    /// its own: the model server, HTTP API or MCP server a tool calls continues the trace.
    public static func send(_ request: HTTPRequest, timeoutSeconds: Double, cancellation: CallCancellation? = nil,
                            caFile: String? = nil, maxResponseBytes: Int = 256 << 20) throws(HTTPFailure) -> HTTPResponse {
        var request = request
        if let context = TraceScope.current, !request.headers.contains(where: { $0.name.lowercased() == "traceparent" }) {
            request.headers.append(HTTPHeader("traceparent", context.traceparent))
            if let state = context.traceState { request.headers.append(HTTPHeader("tracestate", state)) }
        }
        guard let url = HTTPURL(request.url) else {
            throw HTTPFailure(.badURL, "\"\(request.url)\" is not an http:// or https:// address")
        }
        guard request.method.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }), !request.method.isEmpty else {
            throw HTTPFailure(.badURL, "\"\(request.method)\" is not an HTTP method")
        }
        if let bad = request.headers.first(where: { Self.breaksHeaderLine($0.name) || Self.breaksHeaderLine($0.value) }) {
            throw HTTPFailure(.badURL, "the header \"\(bad.name)\" has a line break or control character in it")
        }
        if cancellation?.isCancelled == true { throw HTTPFailure(.cancelled, "the call was cancelled before \(url.hostHeader) was asked") }
        if url.scheme == "https" {
            return try CurlTransport.send(request, timeoutSeconds: timeoutSeconds, cancellation: cancellation, caFile: caFile,
                                          maxResponseBytes: maxResponseBytes)
        }
        return try sendPlain(request, to: url, timeoutSeconds: timeoutSeconds, cancellation: cancellation, maxResponseBytes: maxResponseBytes)
    }

    private static func sendPlain(_ request: HTTPRequest, to url: HTTPURL, timeoutSeconds: Double, cancellation: CallCancellation?,
                                  maxResponseBytes: Int) throws(HTTPFailure) -> HTTPResponse {
        let started = MonotonicClock.now()
        func remaining() -> Double { max(timeoutSeconds - (MonotonicClock.now() - started), 0.001) }
        let socket: SocketStream
        do {
            socket = try SocketStream(.tcp(host: url.host, port: url.port), timeoutSeconds: remaining(), sendTimeoutSeconds: remaining())
        } catch {
            throw HTTPFailure(error.timedOut ? .timedOut : .unreachable, error.message)
        }
        var head = "\(request.method) \(url.target) HTTP/1.1\r\nHost: \(url.hostHeader)\r\nConnection: close\r\n"
            + "User-Agent: toolhost/\(ToolHostVersion.current)\r\n"
        if let body = request.body { head += "Content-Length: \(body.count)\r\n" }
        for header in request.headers { head += "\(header.name): \(header.value)\r\n" }
        head += "\r\n"
        do {
            try socket.send(Array(head.utf8) + (request.body ?? []))
        } catch {
            throw HTTPFailure(error.timedOut ? .timedOut : .protocolError, error.message)
        }

        var parser = HTTPResponseParser(method: request.method, maxBytes: maxResponseBytes)
        var chunk = [UInt8](repeating: 0, count: 65536)
        let wake = cancellation?.wakeDescriptor
        while true {
            let received: ArraySlice<UInt8>
            do {
                received = try socket.receive(into: &chunk, timeoutSeconds: remaining(), wake: wake)
            } catch {
                if cancellation?.isCancelled == true { throw HTTPFailure(.cancelled, "the call was cancelled while \(socket.address) answered") }
                throw HTTPFailure(error.timedOut ? .timedOut : .protocolError, error.message)
            }
            if received.isEmpty {
                guard let response = try parser.finishAtClose() else {
                    throw HTTPFailure(.protocolError, "\(socket.address) closed the connection before answering")
                }
                return response
            }
            if let response = try parser.append(received) { return response }
        }
    }

    private static func breaksHeaderLine(_ text: String) -> Bool {
        text.utf8.contains { $0 < 0x20 && $0 != 0x09 || $0 == 0x7F }
    }
}
