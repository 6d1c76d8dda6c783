import MCP
import ToolHostCore

extension ErrorCode {
    /// `resources/read` of a `toolhost://` URI that names nothing stored (MCP answers -32002).
    public static let resourceNotFound = ErrorCode("resource_not_found")
    /// A resource id that would leave its folder (`..`, `/`, a link pointing outside).
    public static let resourcePathRefused = ErrorCode("resource_path_refused")
    /// A resource larger than `files.resource_read_max_bytes`: read it another way.
    public static let resourceTooLarge = ErrorCode("resource_too_large")
}

extension ToolHostError {
    /// The JSON-RPC error a `resources/*` request answers: MCP's resource-not-found code
    /// (-32002) for unknown URIs, invalid params for refused or oversized ones, internal error
    /// otherwise (a database failure). The sentence is the message in every case.
    var mcpResourceError: MCPError {
        switch code {
        case .resourceNotFound: .serverError(code: -32002, message: message)
        case .resourcePathRefused, .resourceTooLarge, .invalidInput: .invalidParams(message)
        default: .internalError(message)
        }
    }
}
