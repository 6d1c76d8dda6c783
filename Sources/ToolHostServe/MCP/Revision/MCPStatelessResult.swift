import ToolHostCore

/// What the 2026-07-28 revision adds to every answer, added here because the Swift SDK's
/// result types cannot carry it: `resultType: "complete"` (required on every result), the
/// server's name and version under `_meta["io.modelcontextprotocol/serverInfo"]`, and on the
/// cacheable lists (`tools/list`, `server/discover`) how long and by whom the client may cache
/// them (`ttlMs`, `cacheScope`).
///
/// `cacheScope` is `private` when the server wants a bearer token (a shared cache must not hand
/// the catalogue to someone without one) and `public` otherwise; `ttlMs` is
/// `service.mcp.list_ttl_ms` (the stateless revision has no `list_changed` notification
/// without `subscriptions/listen`, so the client re-fetches after it).
struct MCPStatelessResult: Sendable {
    let serverInfo: JSONValue
    let ttlMs: Int
    let cacheScope: String

    static let cacheableMethods: Set<String> = ["tools/list", "server/discover", "resources/list", "prompts/list", "resources/templates/list"]

    init(version: String, ttlMs: Int, tokenRequired: Bool) {
        serverInfo = ["name": "toolhost", "version": .string(version)]
        self.ttlMs = ttlMs
        cacheScope = tokenRequired ? "private" : "public"
    }

    /// `response` (a JSON-RPC response to a stateless request of `method`) with the revision's
    /// fields; an error response is returned as it is.
    func decorate(_ response: JSONValue, method: String) -> JSONValue {
        guard case .object(var envelope) = response, case .object(var result)? = envelope["result"] else { return response }
        if result["resultType"] == nil { result["resultType"] = "complete" }
        if Self.cacheableMethods.contains(method) {
            if result["ttlMs"] == nil { result["ttlMs"] = .int(ttlMs) }
            if result["cacheScope"] == nil { result["cacheScope"] = .string(cacheScope) }
        }
        var meta = result["_meta"]?.objectValue ?? JSONObject()
        if meta[MCPRevision.serverInfoKey] == nil || meta[MCPRevision.serverInfoKey] == .null {
            meta[MCPRevision.serverInfoKey] = serverInfo
        }
        result["_meta"] = .object(meta)
        envelope["result"] = .object(result)
        return .object(envelope)
    }
}
