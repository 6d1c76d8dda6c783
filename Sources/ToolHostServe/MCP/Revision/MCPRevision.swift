import ToolHostCore

/// The MCP protocol revisions ToolHost speaks, and the names the 2026-07-28 stateless revision
/// gives to its envelope, errors and HTTP headers (as the Python SDK 2.3.0, `mcp_types`, spells
/// them: the reference the tests check against).
///
/// Two eras: the *handshake* revisions (`initialize` first, 2025-11-25 and older, served by the
/// Swift SDK's `Server` as it is), and the *stateless* 2026-07-28 revision, where every request
/// carries its protocol version, client info and capabilities in `params._meta` and
/// `server/discover` replaces the handshake. The SDK (0.12.1) knows only the first; the second
/// is added around it by `MCPEraGate` on the transports we own, so both eras reach the same
/// handlers.
enum MCPRevision {
    /// The stateless revision(s) served, newest last.
    static let statelessVersions = ["2026-07-28"]
    /// The handshake revisions the Swift SDK negotiates through `initialize` (newest last).
    static let handshakeVersions = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]

    /// `params._meta` keys of the per-request envelope.
    static let protocolVersionKey = "io.modelcontextprotocol/protocolVersion"
    static let clientInfoKey = "io.modelcontextprotocol/clientInfo"
    static let clientCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities"
    /// `result._meta` key naming the server on every stateless answer.
    static let serverInfoKey = "io.modelcontextprotocol/serverInfo"

    /// JSON-RPC error codes.
    static let parseError = -32700
    static let invalidRequest = -32600
    static let methodNotFound = -32601
    static let invalidParams = -32602
    /// An HTTP routing header disagrees with the body (2026-07-28).
    static let headerMismatch = -32020
    /// The request needs a client capability the envelope does not declare (2026-07-28).
    static let missingRequiredClientCapability = -32021
    /// The requested protocol version is not served; `data` names the served ones (2026-07-28).
    static let unsupportedProtocolVersion = -32022

    /// Whether `params` carry the stateless envelope: its protocol-version key alone decides
    /// (a bare `_meta` is not evidence, handshake requests put `progressToken` there), so that a
    /// half-built envelope is still routed to the stateless era and told what is missing.
    static func hasStatelessEnvelope(_ params: JSONValue?) -> Bool {
        params?["_meta"]?.objectValue?.contains(protocolVersionKey) ?? false
    }

    /// A JSON-RPC error response.
    static func errorResponse(id: JSONValue?, code: Int, message: String, data: JSONValue? = nil) -> JSONValue {
        var error: JSONObject = ["code": .int(code), "message": .string(message)]
        if let data { error["data"] = data }
        return ["jsonrpc": "2.0", "id": id ?? .null, "error": .object(error)]
    }

    /// -32022 naming the served stateless versions and the one asked for.
    static func unsupportedVersionError(id: JSONValue?, requested: JSONValue) -> JSONValue {
        errorResponse(id: id, code: unsupportedProtocolVersion, message: "Unsupported protocol version",
                      data: ["supported": .array(statelessVersions.map { .string($0) }), "requested": requested])
    }
}
