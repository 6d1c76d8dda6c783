import HTTPTypes
import Hummingbird
import ToolHostCore
import ToolHostService

/// Every HTTP answer is JSON written by ToolHost's own writer: tool answers as `toolhost run`
/// prints them, and errors as `{"success": false, "error", "error_code"}` (never HTML, never a
/// trace).
enum JSONResponses {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extra)
        var bytes = JSONWriter.bytes(value)
        bytes.append(0x0A)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func error(_ error: ToolHostError, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        json(error.answer, status: status, headers: headers)
    }

    /// A tool's answer as a remote caller may see it (`RemoteAnswer`), with the status its
    /// outcome maps to and the exit status `toolhost run` would end with in `X-ToolHost-Exit-Code`.
    static func answer(_ answer: InvocationAnswer, of host: ServiceHost) -> Response {
        var headers = HTTPFields()
        headers[exitCodeField] = String(answer.exitCode)
        if answer.errorCode == .overloaded { headers[.retryAfter] = "1" }
        let shown = RemoteAnswer.shown(answer, exposingPluginDetails: host.config.service.exposesPluginDetails)
        let status: HTTPResponse.Status = switch answer.errorCode {
        // What the tool called failed (its plugin, a model server, an HTTP API, an MCP server).
        case let code? where code.isUpstreamFailure: .badGateway
        // network.allowed_hosts does not let the tool reach that host.
        case .hostNotAllowed?: .forbidden
        // The tool exists but waits for `toolhost approve`: the catalogue conflicts with its approval.
        case .toolChanged?: .conflict
        // The operator's policy refuses it (or wants a confirmation no one can give over HTTP).
        case .deniedByPolicy?, .confirmationRequired?: .forbidden
        // A path outside the folders tool inputs may write to: the caller may not go there.
        // A write on a database the operator made read-only (`database.read_only`): neither.
        case .pathNotAllowed?, .readOnly?: .forbidden
        // A tool definition that cannot be used: one the caller sent (tools_manager
        // register_tool), or the called tool's own file. The request cannot succeed as it is,
        // and the answer lists the definition's problems; nothing failed on the server's side.
        case .invalidToolDefinition?: .unprocessableContent
        default: status(of: CallOutcome(answer.errorCode))
        }
        return json(shown.value, status: status, headers: headers)
    }

    /// 200 success, 400 invalid input, 404 no such tool or record, 504 timeout, 503 when the
    /// queue is full (or the call was cancelled), 500 otherwise; a plugin that failed on its
    /// own (an upstream of the server) is 502 in `answer`, and a tool changed since it was
    /// approved 409.
    static func status(of outcome: CallOutcome) -> HTTPResponse.Status {
        switch outcome {
        case .success: .ok
        case .invalidInput: .badRequest
        case .notFound: .notFound
        case .timeout: .gatewayTimeout
        case .cancelled, .overloaded: .serviceUnavailable
        case .error: .internalServerError
        }
    }

    static let exitCodeField = HTTPField.Name("X-ToolHost-Exit-Code")!
}

/// A failure of the HTTP layer itself (no such route, body too large, bad token), thrown from
/// routes and middleware and rendered by `JSONErrorMiddleware`.
struct HTTPFailure: Error {
    let status: HTTPResponse.Status
    let error: ToolHostError
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: ErrorCode, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.error = ToolHostError(code, message)
        self.headers = headers
    }
}
