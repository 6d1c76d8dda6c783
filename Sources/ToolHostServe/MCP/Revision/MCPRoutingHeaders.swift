import Foundation
import ToolHostCore

/// The HTTP headers a 2026-07-28 request repeats from its body, so that a proxy can route it
/// without reading the body: `MCP-Protocol-Version` (the envelope's version), `Mcp-Method` (the
/// method) and `Mcp-Name` (the tool of a `tools/call`, the prompt of `prompts/get`, the URI of
/// `resources/read`). A header that disagrees with the body is refused (-32020): a proxy and
/// the server must never act on two different requests.
struct MCPRoutingHeaders: Sendable {
    var protocolVersion: String?
    var method: String?
    var name: String?

    /// The body field `Mcp-Name` repeats, per method.
    static let nameFields = ["tools/call": "name", "prompts/get": "name", "resources/read": "uri"]

    /// The sentence saying which header disagrees with `message`, nil when all agree.
    func mismatch(with message: JSONValue, method: String, version: JSONValue) -> String? {
        guard let protocolVersion else {
            return "The MCP-Protocol-Version header is missing: a 2026-07-28 request over HTTP repeats its envelope's protocol version in it."
        }
        guard version.stringValue == protocolVersion else {
            return "The MCP-Protocol-Version header does not match the request envelope's protocol version."
        }
        guard let headerMethod = self.method else {
            return "The Mcp-Method header is missing: a 2026-07-28 request over HTTP repeats its method in it."
        }
        guard headerMethod == method else { return "The Mcp-Method header does not match the request body's method." }
        if let field = Self.nameFields[method], let value = message["params"]?[field]?.stringValue,
           Self.decoded(name) != value {
            return "The Mcp-Name header does not match the request body's '\(field)' parameter."
        }
        return nil
    }

    /// A header value as sent: verbatim, or `=?base64?...?=` around the UTF-8 of a value that
    /// would not survive as a header (non-ASCII, edge spaces); nil for a malformed wrapping.
    static func decoded(_ value: String?) -> String? {
        guard let value else { return nil }
        guard value.hasPrefix("=?base64?"), value.hasSuffix("?="), value.count >= 11 else { return value }
        let payload = String(value.dropFirst(9).dropLast(2))
        guard let data = Data(base64Encoded: payload), data.base64EncodedString() == payload else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
