import NIOCore
import ToolHostCore

/// An HTTP/1.1 answer written straight to the socket, below the HTTP codec, by a connection
/// that is about to close: 503 when there are too many connections, 408 when a request came
/// too slowly. The body is the JSON error answer every other HTTP failure has
/// (`{"success": false, "error", "error_code"}`).
///
/// Written as bytes because neither case has a request Hummingbird could answer: a refused
/// connection never reaches it, and a late request never finished arriving.
enum ClosingResponse {
    static func bytes(status: Int, reason: String, _ error: ToolHostError, retryAfterSeconds: Int? = nil) -> ByteBuffer {
        var body = JSONWriter.bytes(error.answer)
        body.append(0x0A)
        var head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        if let retryAfterSeconds { head += "Retry-After: \(retryAfterSeconds)\r\n" }
        head += "\r\n"
        var buffer = ByteBuffer(string: head)
        buffer.writeBytes(body)
        return buffer
    }

    static func tooManyConnections(limit: Int) -> ByteBuffer {
        bytes(status: 503, reason: "Service Unavailable", ToolHostError(
            .tooManyConnections, "The server has \(limit) connections open already (service.http.max_connections); try again shortly."),
              retryAfterSeconds: 1)
    }

    static func requestTimeout(_ message: String) -> ByteBuffer {
        bytes(status: 408, reason: "Request Timeout", ToolHostError(.requestTimeout, message))
    }
}

extension ErrorCode {
    /// The HTTP server has `service.http.max_connections` connections open: one more is refused.
    static let tooManyConnections = ErrorCode("too_many_connections")
    /// An HTTP request's head or body did not arrive within its timeout (`service.http.*_timeout_seconds`).
    static let requestTimeout = ErrorCode("request_timeout")
}
