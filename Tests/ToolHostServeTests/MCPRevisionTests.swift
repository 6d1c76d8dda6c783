import Testing
import ToolHostCore
@testable import ToolHostServe

/// The pieces that put the 2026-07-28 revision and Streamable HTTP around the SDK, one by one
/// (the whole, with real clients, is ServeMCPRevisionsTests').
@Suite("MCP revisions in-process")
struct MCPRevisionTests {
    static let results = MCPStatelessResult(version: "9.9.9", ttlMs: 1234, tokenRequired: true)
    static let envelope: JSONValue = ["io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": [:]]

    @Test func onlyLoopbackAndListedOriginsPass() {
        let policy = MCPOriginPolicy(allowedOrigins: ["https://App.example.com/"])
        for allowed in [nil, "http://localhost:5173", "http://127.0.0.1", "http://127.8.0.1:80", "http://[::1]:8080", "https://app.example.com"] {
            let passes = policy.allows(allowed)
            #expect(passes, "\(allowed ?? "none")")
        }
        for refused in ["http://evil.example", "http://127.0.0.1.evil.example", "http://localhost.evil.example:80", "null", "https://app.example.com:444", "file://"] {
            let passes = policy.allows(refused)
            #expect(!passes, "\(refused)")
        }
    }

    @Test func aRoutingHeaderIsReadVerbatimOrFromItsBase64Wrapping() {
        #expect(MCPRoutingHeaders.decoded("echo") == "echo")
        #expect(MCPRoutingHeaders.decoded("=?base64?w6l0w6k=?=") == "été")
        #expect(MCPRoutingHeaders.decoded("=?base64?not base64?=") == nil)
    }

    @Test func theFirstRequestDecidesTheEraAndTheOtherIsRefused() {
        let stateless = MCPEraGate(results: Self.results)
        let notification: JSONValue = ["jsonrpc": "2.0", "method": "notifications/initialized"]
        #expect(stateless.admit(notification) == nil)
        #expect(stateless.era == .undecided, "a notification decides nothing")
        #expect(stateless.admit(["jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": ["_meta": Self.envelope]]) == nil)
        #expect(stateless.era == .stateless)
        let initialize = stateless.admit(["jsonrpc": "2.0", "id": 2, "method": "initialize", "params": ["protocolVersion": "2025-11-25"]])
        #expect(initialize?["error"]?["code"] == -32022 && initialize?["error"]?["data"]?["requested"] == "2025-11-25")

        let handshake = MCPEraGate(results: Self.results)
        #expect(handshake.admit(["jsonrpc": "2.0", "id": 1, "method": "initialize", "params": ["_meta": Self.envelope]]) == nil)
        #expect(handshake.era == .handshake, "initialize is the handshake, envelope or not")
        let enveloped = handshake.admit(["jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": ["_meta": Self.envelope]])
        #expect(enveloped?["error"]?["code"] == -32600 && enveloped?["id"] == 2)
        #expect(!handshake.decorates)
    }

    @Test func theEnvelopeIsCheckedKeysHeadersThenVersion() {
        func refusal(_ meta: JSONValue, headers: MCPRoutingHeaders? = nil, name: String = "echo") -> Int? {
            let message: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": ["name": .string(name), "_meta": meta]]
            return MCPEraGate.refusal(of: message, method: "tools/call", headers: headers)?["error"]?["code"]?.integerValue
        }
        #expect(refusal(["io.modelcontextprotocol/protocolVersion": "2026-07-28"]) == -32602)
        #expect(refusal(Self.envelope) == nil)
        let matching = MCPRoutingHeaders(protocolVersion: "2026-07-28", method: "tools/call", name: "echo")
        #expect(refusal(Self.envelope, headers: matching) == nil)
        #expect(refusal(Self.envelope, headers: matching, name: "fail") == -32020)
        #expect(refusal(Self.envelope, headers: MCPRoutingHeaders(protocolVersion: "2026-07-28", method: "tools/list", name: "echo")) == -32020)
        #expect(refusal(Self.envelope, headers: MCPRoutingHeaders(protocolVersion: nil, method: "tools/call", name: "echo")) == -32020)
        let future: JSONValue = ["io.modelcontextprotocol/protocolVersion": "2099-01-01", "io.modelcontextprotocol/clientCapabilities": [:]]
        #expect(refusal(future) == -32022)
        #expect(refusal(["io.modelcontextprotocol/protocolVersion": 5, "io.modelcontextprotocol/clientCapabilities": [:]]) == -32602)
    }

    @Test func aStatelessAnswerGetsTheRevisionsFieldsAndKeepsItsOwn() {
        let listed = Self.results.decorate(["jsonrpc": "2.0", "id": 1, "result": ["tools": [], "ttlMs": 5]], method: "tools/list")
        #expect(listed["result"]?["ttlMs"] == 5, "a value the handler set wins")
        #expect(listed["result"]?["cacheScope"] == "private", "a token is configured")
        #expect(listed["result"]?["resultType"] == "complete")
        #expect(listed["result"]?["_meta"]?["io.modelcontextprotocol/serverInfo"] == ["name": "toolhost", "version": "9.9.9"])
        let called = Self.results.decorate(["jsonrpc": "2.0", "id": 2, "result": ["content": []]], method: "tools/call")
        #expect(called["result"]?["ttlMs"] == nil && called["result"]?["resultType"] == "complete", "only lists are cacheable")
        let failed: JSONValue = ["jsonrpc": "2.0", "id": 3, "error": ["code": -32601, "message": "no"]]
        #expect(Self.results.decorate(failed, method: "no/such") == failed)
    }
}
