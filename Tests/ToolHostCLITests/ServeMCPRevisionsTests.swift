import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
import ToolHostTools

/// MCP in both protocol revisions — 2025-11-25 (initialize, sessions) and 2026-07-28
/// (stateless: `server/discover`, the per-request `_meta` envelope) — over Streamable HTTP at
/// `/mcp` and over stdio, through the real binaries, driven by two independent clients from
/// PyPI: the official Python SDK (mcp 2.3.0) and fastmcp 4.x (scripts/mcp-revisions-client.py;
/// scripts/setup-test-python.sh installs both). Without them these tests fail; they never skip.
@Suite("MCP revisions over Streamable HTTP and stdio", .serialized)
struct ServeMCPRevisionsTests {
    let fixture = CLIFixture()
    let database: TestDatabase
    static let token = "revisions-secret"
    /// An executable tool and a built-in one (on the fixture's SQLite database).
    static let calls = #"[["echo", {"message": "hi"}], ["conversation_store", {"operation": "training_stats"}]]"#

    init() throws {
        database = try TestDatabase(.sqlite)
        fixture.directory.write("tools/ticker.py", """
            import json, sys
            args = json.load(sys.stdin)
            for i in range(1, args.get("count", 3) + 1):
                print(json.dumps({"n": i}), flush=True)
            """)
        fixture.directory.write("tools/ticker.yaml", """
            name: Ticker
            type: stream_producer
            executable: {command: python3, args: ["{tool_dir}/ticker.py"], timeout: 60}
            stream: {item_format: json}
            """)
    }

    /// `mcp-revisions-client.py` (beside mcp-client.py) with `arguments`; its JSON and status.
    private func client(_ arguments: [String]) throws -> (status: Int32, json: JSONValue) {
        let variables = ProcessInfo.processInfo.environment
        guard let python = variables["TOOLHOST_TEST_PYTHON"], let other = variables["TOOLHOST_TEST_MCP_CLIENT"] else {
            throw MCPClient.Unavailable(description: "TOOLHOST_TEST_PYTHON and TOOLHOST_TEST_MCP_CLIENT are not set: run the tests with scripts/test.sh")
        }
        let script = URL(fileURLWithPath: other).deletingLastPathComponent().appendingPathComponent("mcp-revisions-client.py").path
        let process = try RunningProcess(python, [script] + arguments, environment: database.environment, directory: fixture.directory.path)
        let ended = try process.waitForExit(within: 120)
        let text = ended.remaining.joined(separator: "\n")
        return (ended.status, (try? JSONParser.parse(text)) ?? .string("<not JSON: \(text); stderr: \(process.stderr)>"))
    }

    private var catalogueOrder: [String] {
        get throws { (try fixture.run(["list", "--json"], environment: database.environment).json["data"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue } }
    }

    /// What every session scenario must show, whichever client, revision and transport.
    private func expectSession(_ run: (status: Int32, json: JSONValue), version: String, catalogue: [String], _ label: String) {
        #expect(run.status == 0, "\(label): \(run.json)")
        #expect(run.json["protocol_version"]?.stringValue == version, "\(label): \(run.json)")
        let tools = run.json["tools"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(tools == catalogue, "\(label): the listing in catalogue order")
        let calls = run.json["calls"]?.arrayValue ?? []
        #expect(calls.first?["isError"] == false, "\(label): \(run.json)")
        #expect(calls.first?["structured"]?["message"] == "hi", "\(label): \(run.json)")
        #expect(calls.last?["isError"] == false, "\(label): \(run.json)")
        #expect(calls.last?["structured"] != nil && calls.last?["structured"] != .null, "\(label): \(run.json)")
        #expect(run.json["unknown_method"]?["code"] == -32601, "\(label): \(run.json)")
    }

    @Test func bothClientsListAndCallInBothRevisionsOverStreamableHTTP() async throws {
        let server = try await HTTPServer.start(fixture, environment: database.environment.merging(["TOOLHOST_HTTP_TOKEN": Self.token]) { $1 })
        let url = "http://127.0.0.1:\(server.port)/mcp"
        let catalogue = try catalogueOrder
        for client in ["sdk", "fastmcp"] {
            for (mode, version) in [("legacy", "2025-11-25"), ("auto", "2026-07-28"), ("2026-07-28", "2026-07-28")] {
                let run = try await blocking { [self] in
                    try self.client(["--client", client, "--mode", mode, "--url", url, "--token", Self.token, "--scenario", "session", Self.calls])
                }
                expectSession(run, version: version, catalogue: catalogue, "\(client) \(mode) over HTTP")
            }
        }
        try await server.expectCleanExit()
    }

    @Test func bothClientsListAndCallInBothRevisionsOverStdio() throws {
        let catalogue = try catalogueOrder
        for client in ["sdk", "fastmcp"] {
            for (mode, version) in [("legacy", "2025-11-25"), ("auto", "2026-07-28"), ("2026-07-28", "2026-07-28")] {
                let run = try self.client(["--client", client, "--mode", mode, "--scenario", "session", Self.calls,
                                           "--", fixture.binary.path, "serve", "--mcp"])
                expectSession(run, version: version, catalogue: catalogue, "\(client) \(mode) over stdio")
            }
        }
    }

    /// A call with a progressToken is answered as an SSE stream: its items as
    /// `notifications/progress`, then the result; in both revisions.
    @Test func progressOfACallStreamsOverHTTPInBothRevisions() async throws {
        let server = try await HTTPServer.start(fixture, environment: database.environment)
        let url = "http://127.0.0.1:\(server.port)/mcp"
        for client in ["sdk", "fastmcp"] {
            for mode in ["legacy", "2026-07-28"] {
                let run = try await blocking { [self] in
                    try self.client(["--client", client, "--mode", mode, "--url", url, "--progress", "--scenario", "session",
                                     #"[["ticker", {"count": 3, "max_items": 3}]]"#])
                }
                #expect(run.status == 0, "\(client) \(mode): \(run.json)")
                let progress = run.json["calls"]?[0]?["progress"]?.arrayValue ?? []
                let items = progress.map { (try? JSONParser.parse($0.stringValue ?? "")) ?? .null }
                #expect(items == [["n": 1], ["n": 2], ["n": 3]], "\(client) \(mode): \(run.json)")
            }
        }
        try await server.expectCleanExit()
    }

    /// A call the policy wants confirmed is put to the person over a session's stream
    /// (`elicitation/create` before the result, the answer POSTed back); the stateless revision
    /// has no server requests, so there it is refused as for a client that cannot be asked.
    @Test func aConfirmationIsAskedInASessionAndRefusedWithoutOne() async throws {
        fixture.directory.write("toolhost.yaml", """
            tools: {paths: [tools]}
            policy: {default: allow, destructive: confirm}
            """)
        let server = try await HTTPServer.start(fixture, environment: database.environment)
        let url = "http://127.0.0.1:\(server.port)/mcp"
        let call = #"[["postgres_client", {"operation": "execute", "sql": "CREATE TABLE IF NOT EXISTS confirmed (a INTEGER)"}]]"#
        let session = try await blocking { [self] in
            try self.client(["--client", "sdk", "--mode", "legacy", "--accept-elicitation", "--url", url, "--scenario", "session", call])
        }
        #expect(session.json["calls"]?[0]?["isError"] == false, "\(session.json)")
        let asked = session.json["elicitations"]?[0]?.stringValue ?? ""
        #expect(asked.hasPrefix("Run 'postgres_client' execute (a destructive operation)?"), "\(session.json)")
        let stateless = try await blocking { [self] in
            try self.client(["--client", "sdk", "--mode", "2026-07-28", "--accept-elicitation", "--url", url, "--scenario", "session", call])
        }
        // An error result carries no structured content; its JSON follows the sentence in the text.
        let refused = stateless.json["calls"]?[0]
        #expect(refused?["structured"] == .null, "\(stateless.json)")
        let answer = MCPClient.errorAnswer(of: ["isError": refused?["isError"] ?? .null, "structuredContent": .null, "text": refused?["text"] ?? .null])
        #expect(answer?["error_code"] == "confirmation_required", "\(stateless.json)")
        #expect(stateless.json["elicitations"] == [])
        try await server.expectCleanExit()
    }

    /// On stdio the first request decides the connection's revision, once.
    @Test func aStdioConnectionKeepsTheRevisionItsFirstRequestChose() throws {
        let envelope: JSONValue = ["io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": [:]]
        let stateless = try RunningProcess(fixture.binary.path, ["serve", "--mcp"], environment: database.environment, directory: fixture.directory.path)
        func answer(_ process: RunningProcess, _ message: JSONValue) throws -> JSONValue {
            process.write(JSONWriter.string(message) + "\n")
            while true {
                let line = try process.readLine(within: 60)
                if let reply = try? JSONParser.parse(line), reply["id"] == message["id"] { return reply }
            }
        }
        let discovered = try answer(stateless, ["jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": ["_meta": envelope]])
        #expect(discovered["result"]?["supportedVersions"] == ["2026-07-28"], "\(discovered)")
        #expect(discovered["result"]?["resultType"] == "complete" && discovered["result"]?["ttlMs"] == 10000)
        let listed = try answer(stateless, ["jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": ["_meta": envelope]])
        #expect(listed["result"]?["cacheScope"] == "public" && listed["result"]?["_meta"]?["io.modelcontextprotocol/serverInfo"]?["name"] == "toolhost")
        let late = try answer(stateless, ["jsonrpc": "2.0", "id": 3, "method": "initialize",
                                          "params": ["protocolVersion": "2025-11-25", "capabilities": [:], "clientInfo": ["name": "t", "version": "1"]]])
        #expect(late["error"]?["code"] == -32022 && late["error"]?["data"]?["supported"] == ["2026-07-28"], "\(late)")
        let bare = try answer(stateless, ["jsonrpc": "2.0", "id": 4, "method": "tools/list"])
        #expect(bare["error"]?["code"] == -32602, "every stateless request carries its envelope: \(bare)")
        stateless.closeInput()
        #expect(try stateless.waitForExit(within: 60).status == 0)

        let handshake = try MCPLines(binary: fixture.binary, [], environment: database.environment, directory: fixture.directory.path)
        let enveloped = try answer(handshake.server, ["jsonrpc": "2.0", "id": 5, "method": "tools/list", "params": ["_meta": envelope]])
        #expect(enveloped["error"]?["code"] == -32600, "\(enveloped)")
        let discover = try answer(handshake.server, ["jsonrpc": "2.0", "id": 6, "method": "server/discover"])
        #expect(discover["error"]?["code"] == -32601, "\(discover)")
        let plain = try answer(handshake.server, ["jsonrpc": "2.0", "id": 7, "method": "tools/list"])
        #expect(plain["result"]?["tools"] != nil && plain["result"]?["ttlMs"] == nil, "\(plain)")
        handshake.server.closeInput()
        #expect(try handshake.server.waitForExit(within: 60).status == 0)
    }

    // MARK: - The transport's refusals, on the wire

    private static let initialize = #"{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}"#
    private static let envelope = #""_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}"#
    private static let json = ["Content-Type": "application/json", "Accept": "application/json, text/event-stream"]

    private static func stateless(_ method: String, _ params: String = "", headers: [String: String] = [:]) -> (String, [String: String]) {
        let body = #"{"jsonrpc": "2.0", "id": 7, "method": "\#(method)", "params": {\#(params)\#(params.isEmpty ? "" : ", ")\#(envelope)}}"#
        return (body, json.merging(["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method]) { $1 }.merging(headers) { $1 })
    }

    @Test func sessionsAreIssuedRequiredAndEndedByDelete() async throws {
        let server = try await HTTPServer.start(fixture, environment: database.environment)
        let opened = try await server.send("POST", "/mcp", Self.initialize, headers: Self.json)
        #expect(opened.status == 200, "\(opened.text)")
        #expect(opened.json["result"]?["protocolVersion"] == "2025-11-25")
        let id = try #require(opened.header("Mcp-Session-Id"))
        #expect(id.count == 32 && id.allSatisfy(\.isHexDigit))

        let inSession = Self.json.merging(["Mcp-Session-Id": id, "MCP-Protocol-Version": "2025-11-25"]) { $1 }
        let initialized = try await server.send("POST", "/mcp", #"{"jsonrpc": "2.0", "method": "notifications/initialized"}"#, headers: inSession)
        #expect(initialized.status == 202)
        let listed = try await server.send("POST", "/mcp", #"{"jsonrpc": "2.0", "id": 2, "method": "tools/list"}"#, headers: inSession)
        #expect(listed.status == 200 && listed.header("Content-Type") == "application/json", "\(listed.text)")
        #expect(listed.json["id"] == 2 && listed.json["result"]?["tools"]?.arrayValue?.isEmpty == false)
        #expect(listed.json["result"]?["ttlMs"] == nil, "the 2025-11-25 answer has no 2026 fields")

        let noSession = try await server.send("POST", "/mcp", #"{"jsonrpc": "2.0", "id": 3, "method": "tools/list"}"#, headers: Self.json)
        #expect(noSession.status == 400, "\(noSession.text)")
        let wrongSession = try await server.send("POST", "/mcp", #"{"jsonrpc": "2.0", "id": 3, "method": "tools/list"}"#,
                                                 headers: Self.json.merging(["Mcp-Session-Id": "0123456789abcdef0123456789abcdef"]) { $1 })
        #expect(wrongSession.status == 404, "\(wrongSession.text)")
        let wrongVersion = try await server.send("POST", "/mcp", #"{"jsonrpc": "2.0", "id": 3, "method": "tools/list"}"#,
                                                 headers: inSession.merging(["MCP-Protocol-Version": "1999-01-01"]) { $1 })
        #expect(wrongVersion.status == 400, "\(wrongVersion.text)")
        let (enveloped, _) = Self.stateless("tools/list")
        let mixed = try await server.send("POST", "/mcp", enveloped, headers: inSession)
        #expect(mixed.status == 400 && mixed.json["error"]?["code"] == -32600, "a session is a handshake connection: \(mixed.text)")
        let unknown = try await server.send("POST", "/mcp", #"{"jsonrpc": "2.0", "id": 4, "method": "no/such"}"#, headers: inSession)
        #expect(unknown.json["error"]?["code"] == -32601, "\(unknown.text)")

        let stream = try await server.send("GET", "/mcp", headers: inSession)
        #expect(stream.status == 405 && stream.header("Allow") == "POST, DELETE")
        let ended = try await server.send("DELETE", "/mcp", headers: inSession)
        #expect(ended.status == 204)
        let afterwards = try await server.send("POST", "/mcp", #"{"jsonrpc": "2.0", "id": 5, "method": "tools/list"}"#, headers: inSession)
        #expect(afterwards.status == 404, "\(afterwards.text)")
        let again = try await server.send("DELETE", "/mcp", headers: inSession)
        #expect(again.status == 404)
        try await server.expectCleanExit()
    }

    @Test func sessionsAreBoundedAndExpireWhenIdle() async throws {
        fixture.directory.write("toolhost.yaml", """
            tools: {paths: [tools]}
            service: {mcp: {http: {max_sessions: 1, session_idle_seconds: 1}}}
            """)
        let server = try await HTTPServer.start(fixture, environment: database.environment)
        let first = try await server.send("POST", "/mcp", Self.initialize, headers: Self.json)
        let id = try #require(first.header("Mcp-Session-Id"))
        let second = try await server.send("POST", "/mcp", Self.initialize, headers: Self.json)
        #expect(second.status == 503 && second.header("Retry-After") == "1", "\(second.text)")
        try await Task.sleep(for: .seconds(2.5))  // idle for longer than session_idle_seconds
        let expired = try await server.send("POST", "/mcp", #"{"jsonrpc": "2.0", "id": 2, "method": "tools/list"}"#,
                                            headers: Self.json.merging(["Mcp-Session-Id": id]) { $1 })
        #expect(expired.status == 404, "\(expired.text)")
        let third = try await server.send("POST", "/mcp", Self.initialize, headers: Self.json)
        #expect(third.status == 200, "the expired session made room: \(third.text)")
        try await server.expectCleanExit()
    }

    @Test func foreignOriginsAndMissingTokensAreRefused() async throws {
        let server = try await HTTPServer.start(fixture, environment: ["TOOLHOST_HTTP_TOKEN": Self.token])
        let bearer = Self.json.merging(["Authorization": "Bearer \(Self.token)"]) { $1 }
        let noToken = try await server.send("POST", "/mcp", Self.initialize, headers: Self.json)
        #expect(noToken.status == 401)
        let foreign = try await server.send("POST", "/mcp", Self.initialize, headers: bearer.merging(["Origin": "http://evil.example"]) { $1 })
        #expect(foreign.status == 403, "\(foreign.text)")
        let rebound = try await server.send("POST", "/mcp", Self.initialize,
                                            headers: bearer.merging(["Origin": "http://127.0.0.1.evil.example:8080"]) { $1 })
        #expect(rebound.status == 403, "\(rebound.text)")
        let local = try await server.send("POST", "/mcp", Self.initialize, headers: bearer.merging(["Origin": "http://localhost:5173"]) { $1 })
        #expect(local.status == 200, "\(local.text)")
        try await server.expectCleanExit()
    }

    @Test func statelessRequestsCarryTheRevisionsFieldsHeadersAndStatuses() async throws {
        let server = try await HTTPServer.start(fixture, environment: database.environment)
        let (discover, discoverHeaders) = Self.stateless("server/discover")
        let discovered = try await server.send("POST", "/mcp", discover, headers: discoverHeaders)
        #expect(discovered.status == 200 && discovered.header("Mcp-Session-Id") == nil, "\(discovered.text)")
        let result = discovered.json["result"]
        #expect(result?["supportedVersions"] == ["2026-07-28"])
        #expect(result?["capabilities"]?["tools"]?["listChanged"] == false)
        #expect(result?["resultType"] == "complete" && result?["cacheScope"] == "public" && result?["ttlMs"] == 10000)
        #expect(result?["_meta"]?["io.modelcontextprotocol/serverInfo"]?["name"] == "toolhost")

        let (list, listHeaders) = Self.stateless("tools/list")
        let listed = try await server.send("POST", "/mcp", list, headers: listHeaders)
        #expect(listed.json["result"]?["ttlMs"] == 10000 && listed.json["result"]?["resultType"] == "complete", "\(listed.text)")
        let names = listed.json["result"]?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names == names.sorted() && !names.isEmpty, "deterministic order")
        let stale = try await server.send("POST", "/mcp", list, headers: listHeaders.merging(["Mcp-Session-Id": "ended-long-ago"]) { $1 })
        #expect(stale.status == 200 && stale.json["result"]?["tools"] != nil, "a session id means nothing at 2026-07-28: \(stale.text)")

        let (call, callHeaders) = Self.stateless("tools/call", #""name": "echo", "arguments": {"message": "hi"}"#, headers: ["Mcp-Name": "echo"])
        let called = try await server.send("POST", "/mcp", call, headers: callHeaders)
        #expect(called.json["result"]?["structuredContent"]?["message"] == "hi", "\(called.text)")
        let misnamed = try await server.send("POST", "/mcp", call, headers: callHeaders.merging(["Mcp-Name": "fail"]) { $1 })
        #expect(misnamed.status == 400 && misnamed.json["error"]?["code"] == -32020, "\(misnamed.text)")
        let wrongMethod = try await server.send("POST", "/mcp", list, headers: listHeaders.merging(["Mcp-Method": "tools/call"]) { $1 })
        #expect(wrongMethod.status == 400 && wrongMethod.json["error"]?["code"] == -32020)
        // A routing header left out is named as missing, not as disagreeing.
        let bare = listHeaders.filter { $0.key != "MCP-Protocol-Version" }
        let unversioned = try await server.send("POST", "/mcp", list, headers: bare)
        let unversionedMessage = unversioned.json["error"]?["message"]?.stringValue ?? ""
        #expect(unversioned.status == 400 && unversioned.json["error"]?["code"] == -32020, "\(unversioned.text)")
        #expect(unversionedMessage.hasPrefix("The MCP-Protocol-Version header is missing"), "\(unversionedMessage)")
        let methodless = try await server.send("POST", "/mcp", list, headers: listHeaders.filter { $0.key != "Mcp-Method" })
        let methodlessMessage = methodless.json["error"]?["message"]?.stringValue ?? ""
        #expect(methodlessMessage.hasPrefix("The Mcp-Method header is missing"), "\(methodlessMessage)")

        let (unknown, unknownHeaders) = Self.stateless("no/such")
        let notFound = try await server.send("POST", "/mcp", unknown, headers: unknownHeaders)
        #expect(notFound.status == 404 && notFound.json["error"]?["code"] == -32601, "\(notFound.text)")
        let future = list.replacingOccurrences(of: "\"2026-07-28\"", with: "\"2099-01-01\"")
        let unsupported = try await server.send("POST", "/mcp", future, headers: listHeaders.merging(["MCP-Protocol-Version": "2099-01-01"]) { $1 })
        #expect(unsupported.status == 400 && unsupported.json["error"]?["code"] == -32022, "\(unsupported.text)")
        #expect(unsupported.json["error"]?["data"]?["supported"] == ["2026-07-28"])
        let halfEnvelope = #"{"jsonrpc": "2.0", "id": 8, "method": "tools/list", "params": {"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28"}}}"#
        let missing = try await server.send("POST", "/mcp", halfEnvelope, headers: listHeaders)
        #expect(missing.status == 400 && missing.json["error"]?["code"] == -32602, "\(missing.text)")
        let notification = try await server.send("POST", "/mcp", #"{"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1}}"#,
                                                 headers: listHeaders)
        #expect(notification.status == 202)
        try await server.expectCleanExit()
    }
}
