import ToolHostCore

/// Streamable HTTP: not in this build yet (needs the general HTTP client).
final class MCPHTTPTransport: MCPTransport {
    init(_ spec: MCPServerSpec, environment: [String: String]) throws(ToolHostError) {
        throw ToolHostError(.mcpServerUnavailable, "\(spec.label): Streamable HTTP is not supported by this build; give the entry a command.")
    }

    var isAlive: Bool { false }

    func request(_ method: String, params: JSONValue?, deadline: Double, cancellation: CallCancellation?) throws(ToolHostError) -> JSONObject {
        throw ToolHostError(.mcpServerUnavailable, "Streamable HTTP is not supported by this build.")
    }

    func notify(_ method: String, params: JSONValue?, deadline: Double) {}

    func close() {}
}
