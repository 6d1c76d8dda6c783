import Foundation
import MCP
import ToolHostCore

/// `server/discover` (2026-07-28): the versions, capabilities and instructions a client needs
/// instead of the `initialize` handshake. Registered on the SDK's `Server` as one more method,
/// so that it is dispatched like `tools/list`; `MCPEraGate` lets it through only on a
/// stateless connection (on a handshake one it is -32601, as the reference answers), and
/// `MCPStatelessResult` adds `resultType`, `ttlMs`, `cacheScope` and `serverInfo`.
///
/// The capabilities are the server's own, with every `listChanged` false: at this revision
/// change notifications reach a client only on a `subscriptions/listen` stream, which ToolHost
/// does not serve (a client re-fetches a list after its `ttlMs`).
struct ServerDiscover: MCP.Method {
    typealias Parameters = Value
    typealias Result = Value
    static let name = "server/discover"

    static func register(on server: Server) async {
        let capabilities = JSONValue(Self.statelessCapabilities(await server.capabilities))
        let instructions = server.instructions
        await server.withMethodHandler(ServerDiscover.self) { _ in
            var result: JSONObject = ["supportedVersions": .array(MCPRevision.statelessVersions.map { .string($0) }),
                                      "capabilities": capabilities]
            if let instructions { result["instructions"] = .string(instructions) }
            return Value(.object(result))
        }
    }

    /// `capabilities` as JSON, each `listChanged` set to false.
    static func statelessCapabilities(_ capabilities: Server.Capabilities) -> Value {
        let encoded = (try? JSONEncoder().encode(capabilities)).flatMap { try? JSONDecoder().decode(Value.self, from: $0) }
        guard case .object(var members)? = encoded else { return .object([:]) }
        for (key, member) in members {
            guard case .object(var inner) = member, inner["listChanged"] != nil else { continue }
            inner["listChanged"] = .bool(false)
            members[key] = .object(inner)
        }
        return .object(members)
    }
}
