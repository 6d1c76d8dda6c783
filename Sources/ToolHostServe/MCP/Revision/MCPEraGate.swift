import Synchronization
import ToolHostCore

/// Puts the 2026-07-28 stateless revision beside the handshake one on a connection, around the
/// Swift SDK's `Server` (which knows only the handshake): each message the client sends is
/// admitted or refused here, and each answer to a stateless request is given the fields that
/// revision requires on its way out (`MCPStatelessResult`).
///
/// As in the reference implementation (Python SDK 2.3.0, `serve_dual_era_loop`), the client's
/// first request decides a stream connection's era, once: a request whose `params._meta`
/// carries the stateless envelope opens a stateless connection (so `server/discover` first, as
/// the newest clients send it, does), anything else (`initialize`) a handshake one. A later
/// claim from the other era is refused: `initialize` on a stateless connection gets -32022
/// naming the served versions, an enveloped request on a handshake connection -32600. Over
/// HTTP the era is fixed per exchange instead (`MCPHTTPEndpoint`): a session is a handshake
/// connection, a request without a session a stateless one.
final class MCPEraGate: Sendable {
    enum Era: Sendable { case undecided, handshake, stateless }

    private struct State {
        var era: Era
        /// Stateless requests not answered yet: id key → method, for the answer's fields.
        var pending: [String: String] = [:]
    }

    private let state: Mutex<State>
    private let results: MCPStatelessResult

    init(era: Era = .undecided, results: MCPStatelessResult) {
        state = Mutex(State(era: era))
        self.results = results
    }

    var era: Era { state.withLock { $0.era } }

    /// nil when `message` may go on to the server; otherwise the error response to send back
    /// in its place. `headers` are the HTTP routing headers (nil on stdio).
    func admit(_ message: JSONValue, headers: MCPRoutingHeaders? = nil) -> JSONValue? {
        guard let method = message["method"]?.stringValue else { return nil }  // a response from the client
        let id = message["id"]
        let isRequest = id != nil
        let enveloped = MCPRevision.hasStatelessEnvelope(message["params"])
        return state.withLock { (state: inout State) -> JSONValue? in
            if state.era == .undecided, isRequest {
                state.era = enveloped && method != "initialize" ? .stateless : .handshake
            }
            switch state.era {
            case .undecided:
                return nil  // a notification before the first request decides nothing
            case .handshake:
                guard isRequest else { return nil }
                if method != "initialize", enveloped {
                    return MCPRevision.errorResponse(id: id, code: MCPRevision.invalidRequest,
                                                     message: "This connection serves the handshake protocol era (it began with initialize); requests carrying the 2026-07-28 envelope are not accepted on it.")
                }
                if method == "server/discover" {
                    return MCPRevision.errorResponse(id: id, code: MCPRevision.methodNotFound,
                                                     message: "server/discover belongs to the 2026-07-28 revision; this connection began with initialize.")
                }
                return nil
            case .stateless:
                guard isRequest else { return nil }
                if method == "initialize" {
                    return MCPRevision.unsupportedVersionError(id: id, requested: message["params"]?["protocolVersion"] ?? .null)
                }
                if let refusal = Self.refusal(of: message, method: method, headers: headers) { return refusal }
                if let key = MCPRequestKey(id) { state.pending[key.text] = method }
                return nil
            }
        }
    }

    /// `message` with the fields of the stateless revision when it answers a stateless request
    /// admitted here; nil when it goes out unchanged.
    func decorate(_ message: JSONValue) -> JSONValue? {
        guard message["method"] == nil, let key = MCPRequestKey(message["id"]) else { return nil }
        let method: String? = state.withLock { (state: inout State) -> String? in
            guard state.era == .stateless else { return nil }
            return state.pending.removeValue(forKey: key.text)
        }
        guard let method else { return nil }
        return results.decorate(message, method: method)
    }

    /// Whether any answer may need `decorate` (so that a handshake connection parses none).
    var decorates: Bool { state.withLock { $0.era != .handshake } }

    /// The stateless revision's checks of one request, in the reference's order: the envelope's
    /// keys (-32602), the HTTP routing headers against the body (-32020), the version (-32022).
    static func refusal(of message: JSONValue, method: String, headers: MCPRoutingHeaders?) -> JSONValue? {
        let id = message["id"]
        guard let meta = message["params"]?["_meta"]?.objectValue else {
            return MCPRevision.errorResponse(id: id, code: MCPRevision.invalidParams,
                                             message: "params._meta must be an object carrying the '\(MCPRevision.protocolVersionKey)' and '\(MCPRevision.clientCapabilitiesKey)' envelope keys.")
        }
        let missing = [MCPRevision.protocolVersionKey, MCPRevision.clientCapabilitiesKey].filter { !meta.contains($0) }
        if !missing.isEmpty {
            return MCPRevision.errorResponse(id: id, code: MCPRevision.invalidParams,
                                             message: "params._meta is missing the required envelope key(s): \(missing.joined(separator: ", ")).")
        }
        let version = meta[MCPRevision.protocolVersionKey] ?? .null
        if let headers, let mismatch = headers.mismatch(with: message, method: method, version: version) {
            return MCPRevision.errorResponse(id: id, code: MCPRevision.headerMismatch, message: mismatch)
        }
        guard let text = version.stringValue else {
            return MCPRevision.errorResponse(id: id, code: MCPRevision.invalidParams, message: "The protocol-version envelope value must be a string.")
        }
        guard MCPRevision.statelessVersions.contains(text) else {
            return MCPRevision.unsupportedVersionError(id: id, requested: version)
        }
        return nil
    }
}

/// A JSON-RPC id as a dictionary key: strings and whole numbers (what the SDK answers by id).
struct MCPRequestKey: Hashable, Sendable {
    let text: String

    init?(_ id: JSONValue?) {
        switch id {
        case .string(let value)?: text = "s:" + value
        case .integer(let number)?: text = "n:\(number)"
        case .double(let number)?:
            guard let whole = Int64(exactly: number) else { return nil }
            text = "n:\(whole)"
        default: return nil
        }
    }
}
