import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// OpenTelemetry traces through the real binaries, received over OTLP/HTTP and decoded by the
/// official protocol package (`OTLPReceiver`): the `execute_tool` span of every call with its
/// GenAI attributes, database spans under it, the caller's context taken from `TRACEPARENT`,
/// HTTP headers and MCP's `params._meta` and passed to plugins, content only when asked and
/// redacted, and a collector that is down never failing a call.
@Suite("Tracing over OTLP", .serialized)
struct TracingTests {
    let fixture = CLIFixture()
    static let callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let callerSpan = "00f067aa0ba902b7"
    static let traceparent = "00-\(callerTrace)-\(callerSpan)-01"

    init() {
        // Says which trace context it was started with.
        fixture.directory.write("tools/traced/traced.yaml", """
            name: Traced
            type: executable
            executable: {command: sh, args: ["-c", "cat >/dev/null; printf '{\\"traceparent\\": \\"%s\\", \\"tracestate\\": \\"%s\\"}' \\"$TRACEPARENT\\" \\"$TRACESTATE\\""]}
            """)
    }

    private func named(_ prefix: String, in spans: [JSONObject]) -> [JSONObject] {
        spans.filter { ($0["name"]?.stringValue ?? "").hasPrefix(prefix) }
    }

    // MARK: - toolhost run

    @Test func runContinuesTheCallersTraceAndGivesThePluginItsSpan() throws {
        let receiver = try OTLPReceiver()
        var environment = receiver.environment
        environment["TRACEPARENT"] = Self.traceparent
        environment["TRACESTATE"] = "vendor=abc"
        environment["OTEL_EXPORTER_OTLP_HEADERS"] = "x-team=tool%20host,authorization=Bearer secret-token"
        environment["OTEL_SERVICE_NAME"] = "agent-tools"
        let result = try fixture.run(["run", "traced"], input: "{}", environment: environment)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let spans = receiver.spans { !$0.isEmpty }
        let calls = named("execute_tool traced", in: spans)
        try #require(calls.count == 1, "spans: \(spans)")
        let call = calls[0]
        #expect(call["kind"] == "SPAN_KIND_INTERNAL")
        #expect(call["trace_id"]?.stringValue == Self.callerTrace)
        #expect(call["parent_span_id"]?.stringValue == Self.callerSpan)
        #expect(call["trace_state"] == "vendor=abc")
        #expect(call.attribute("gen_ai.operation.name") == "execute_tool")
        #expect(call.attribute("gen_ai.tool.name") == "traced")
        #expect(call.attribute("gen_ai.tool.type") == "function")
        #expect(call.attribute("toolhost.call.outcome") == "success")
        #expect(call.attribute("process.exit.code") == 0)
        #expect(call["status"] == "STATUS_CODE_UNSET")
        let started = call["start"]?.numberValue ?? 0, ended = call["end"]?.numberValue ?? 0
        #expect(started > 1.7e18 && ended >= started)
        #expect(call["resource"]?["service.name"] == "agent-tools")
        #expect(call["headers"]?["x-team"] == "tool host")
        #expect(call["headers"]?["authorization"] == "Bearer secret-token")
        #expect(call["headers"]?["content-type"] == "application/x-protobuf")
        // Without capture_content, neither the arguments nor the answer leave the host.
        #expect(call.attribute("gen_ai.tool.call.arguments") == nil && call.attribute("gen_ai.tool.call.result") == nil)

        // The plugin runs inside the call's span: it continues that trace, not its caller's span.
        let answer = try JSONParser.parse(result.stdout)
        let spanID = call["span_id"]?.stringValue ?? "?"
        #expect(answer["traceparent"]?.stringValue == "00-\(Self.callerTrace)-\(spanID)-01")
        #expect(answer["tracestate"] == "vendor=abc")
    }

    @Test func withoutAnEndpointNothingIsSentAndThePluginStillGetsItsCallersContext() throws {
        let result = try fixture.run(["run", "traced"], input: "{}", environment: ["TRACEPARENT": Self.traceparent])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let answer = try JSONParser.parse(result.stdout)
        #expect(answer["traceparent"]?.stringValue == Self.traceparent)
    }

    @Test func anUnsampledTraceIsNotExportedAndGoesOnUnsampled() throws {
        let receiver = try OTLPReceiver()
        var environment = receiver.environment
        environment["TRACEPARENT"] = "00-\(Self.callerTrace)-\(Self.callerSpan)-00"
        let unsampled = try fixture.run(["run", "traced"], input: "{}", environment: environment)
        #expect(unsampled.status == 0, "stderr: \(unsampled.stderr)")
        let plugin = try JSONParser.parse(unsampled.stdout)["traceparent"]?.stringValue ?? ""
        #expect(plugin.hasPrefix("00-\(Self.callerTrace)-") && plugin.hasSuffix("-00") && !plugin.contains(Self.callerSpan))
        // A sampled call after it is received: the unsampled one was not merely late.
        let sampled = try fixture.run(["run", "echo"], input: #"{"message": "hi"}"#, environment: receiver.environment)
        #expect(sampled.status == 0)
        let spans = receiver.spans { !$0.isEmpty }
        #expect(spans.count == 1 && named("execute_tool echo", in: spans).count == 1, "spans: \(spans)")
    }

    @Test func aFailedCallIsAnErrorSpanWithItsCode() throws {
        let receiver = try OTLPReceiver()
        let failed = try fixture.run(["run", "fail"], input: "{}", environment: receiver.environment)
        #expect(failed.status == 3)
        let invalid = try fixture.run(["run", "echo"], input: #"{"message": ""}"#, environment: receiver.environment)
        #expect(invalid.status != 0)
        let spans = receiver.spans { $0.count >= 2 }
        let fail = named("execute_tool fail", in: spans).first
        #expect(fail?["status"] == "STATUS_CODE_ERROR")
        #expect(fail?.attribute("error.type") == "plugin_failed")
        #expect(fail?.attribute("toolhost.call.outcome") == "error")
        #expect(fail?.attribute("process.exit.code") == 3)
        #expect(fail?["status_message"]?.stringValue?.isEmpty == false)
        let echo = named("execute_tool echo", in: spans).first
        #expect(echo?.attribute("error.type") == "invalid_input")
        #expect(echo?["status"] == "STATUS_CODE_ERROR")
        // Each `toolhost run` without a caller's context starts a trace of its own.
        #expect(fail?["parent_span_id"] == "" && fail?["trace_id"] != echo?["trace_id"])
    }

    @Test func capturedContentIsRedactedAndOnlyThereWhenAsked() throws {
        let receiver = try OTLPReceiver()
        var environment = receiver.environment
        environment["TOOLHOST_TRACING_CAPTURE_CONTENT"] = "true"
        let input = #"{"message": "connect with password=hunter2 please"}"#
        let result = try fixture.run(["run", "echo"], input: input, environment: environment)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let call = named("execute_tool echo", in: receiver.spans { !$0.isEmpty }).first
        let arguments = call?.attribute("gen_ai.tool.call.arguments")?.stringValue ?? ""
        let answer = call?.attribute("gen_ai.tool.call.result")?.stringValue ?? ""
        #expect(arguments.contains("connect with") && answer.contains("connect with"), "span: \(String(describing: call))")
        #expect(!arguments.contains("hunter2") && !answer.contains("hunter2"))
    }

    @Test func aBuiltInStoresStatementsAreDatabaseSpansUnderItsCall() throws {
        let receiver = try OTLPReceiver()
        let stored = try fixture.run(["run", "bulk_data_store"], input: #"{"operation": "store_log", "tool_id": "t", "log_level": "info", "message": "m"}"#,
                                     environment: receiver.environment)
        #expect(stored.status == 0, "stderr: \(stored.stderr)")
        let spans = receiver.spans { !named("execute_tool", in: $0).isEmpty }
        let call = try #require(named("execute_tool bulk_data_store", in: spans).first)
        #expect(call.attribute("gen_ai.tool.type") == "datastore" && call.attribute("toolhost.operation") == "store_log")
        let insert = try #require(spans.first { $0["name"] == "INSERT tool_logs" }, "spans: \(spans)")
        #expect(insert["kind"] == "SPAN_KIND_CLIENT")
        #expect(insert["parent_span_id"] == call["span_id"] && insert["trace_id"] == call["trace_id"])
        #expect(insert.attribute("db.system.name") == "sqlite")
        #expect(insert.attribute("db.operation.name") == "INSERT" && insert.attribute("db.collection.name") == "tool_logs")
        #expect(insert.attribute("db.query.text")?.stringValue?.hasPrefix("INSERT INTO") == true)

        // Free-form SQL is traced without its text: it may hold literal values.
        let queried = try fixture.run(["run", "postgres_client"], input: #"{"operation": "query", "sql": "SELECT 'secret-literal' AS v"}"#,
                                      environment: receiver.environment)
        #expect(queried.status == 0, "stderr: \(queried.stderr)")
        let all = receiver.spans { named("execute_tool postgres_client", in: $0).count == 1 && $0.contains { $0["name"] == "SELECT" } }
        let select = try #require(all.first { $0["name"] == "SELECT" }, "spans: \(all)")
        #expect(select.attribute("db.query.text") == nil && select.attribute("db.operation.name") == "SELECT")
        #expect(!all.contains { JSONWriter.string(.object($0)).contains("secret-literal") })
    }

    @Test func aWorkflowsStepsAreChildrenOfItsSpan() throws {
        fixture.directory.write("tools/flow/flow.yaml", "name: Flow\ntype: workflow\nworkflow:\n  steps:\n    - {name: one, tool: traced}\n    - {name: two, tool: traced}\n")
        let receiver = try OTLPReceiver()
        let result = try fixture.run(["run", "flow"], input: "{}", environment: receiver.environment)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let spans = receiver.spans { !$0.isEmpty }
        let flow = try #require(named("execute_tool flow", in: spans).first, "spans: \(spans)")
        let steps = named("execute_tool traced", in: spans)
        #expect(steps.count == 2 && steps.allSatisfy { $0["parent_span_id"] == flow["span_id"] && $0["trace_id"] == flow["trace_id"] })
        #expect(flow.attribute("toolhost.tool.type") == "workflow")
    }

    @Test func aCollectorThatRefusesCostsAWarningNeverTheCall() throws {
        let refusing = try OTLPReceiver(status: 503)
        let refused = try fixture.run(["run", "echo"], input: #"{"message": "hi"}"#, environment: refusing.environment)
        #expect(refused.status == 0)
        #expect(String(decoding: refused.stdout, as: UTF8.self).contains("hi"))
        #expect(refused.stderr.contains("tracing: 1 span could not be sent") && refused.stderr.contains("HTTP 503"), "stderr: \(refused.stderr)")

        let closed = LoopbackPort.socket(listening: false)
        defer { close(closed.descriptor) }
        let unreachable = try fixture.run(["run", "echo"], input: #"{"message": "hi"}"#,
                                          environment: ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:\(closed.port)/v1/traces"])
        #expect(unreachable.status == 0)
        #expect(unreachable.stderr.contains("tracing: 1 span could not be sent"), "stderr: \(unreachable.stderr)")
    }

    @Test func aWrongEndpointIsRefusedNamingTheKey() throws {
        fixture.directory.write("traced.yaml", "tools: {paths: [tools]}\ntracing: {endpoint: 'grpc://localhost:4317'}\n")
        let result = try fixture.run(["run", "echo", "--config", "traced.yaml"], input: #"{"message": "hi"}"#)
        #expect(result.status != 0)
        let answer = try JSONParser.parse(result.stdout)
        #expect(answer["error_code"] == "invalid_config")
        #expect(answer["error"]?.stringValue?.contains("tracing.endpoint must be an http:// or https:// URL") == true, "answer: \(answer)")
    }

    // MARK: - Front ends

    @Test func anHTTPRequestsSpanContinuesTheClientsTraceAndHoldsItsCall() async throws {
        let receiver = try OTLPReceiver()
        let server = try await HTTPServer.start(fixture, environment: receiver.environment)
        let answer = try await server.send("POST", "/api/tools/traced/invoke", "{}", headers: ["traceparent": Self.traceparent])
        #expect(answer.status == 200)
        let spans = receiver.spans { named("execute_tool", in: $0).count == 1 && named("POST", in: $0).count == 1 }
        // The exporter's counts are in /metrics while tracing is on.
        var exported = 0.0
        for _ in 0..<100 where exported < 2 {
            let metrics = String(decoding: try await server.send("GET", "/metrics").body, as: UTF8.self)
            exported = metrics.split(separator: "\n").first { $0.hasPrefix("toolhost_trace_spans_exported_total ") }
                .flatMap { Double($0.split(separator: " ")[1]) } ?? 0
            #expect(metrics.contains("toolhost_trace_spans_dropped_total 0"))
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(exported >= 2)
        try await server.expectCleanExit()
        let request = try #require(named("POST /api/tools/{id}/invoke", in: spans).first, "spans: \(spans)")
        #expect(request["kind"] == "SPAN_KIND_SERVER")
        #expect(request["trace_id"]?.stringValue == Self.callerTrace && request["parent_span_id"]?.stringValue == Self.callerSpan)
        #expect(request.attribute("http.request.method") == "POST" && request.attribute("http.route") == "/api/tools/{id}/invoke")
        #expect(request.attribute("http.response.status_code") == 200 && request.attribute("url.path") == "/api/tools/traced/invoke")
        let call = try #require(named("execute_tool traced", in: spans).first)
        #expect(call["parent_span_id"] == request["span_id"] && call["trace_id"] == request["trace_id"])
        #expect(call.attribute("gen_ai.tool.call.id")?.stringValue?.isEmpty == false)
        let body = try JSONParser.parse(answer.body)
        let plugin = body["traceparent"]?.stringValue ?? body["output"]?["traceparent"]?.stringValue
        #expect(plugin == "00-\(Self.callerTrace)-\(call["span_id"]?.stringValue ?? "?")-01", "answer: \(body)")
    }

    @Test func anMCPRequestOverHTTPIsAChildOfItsPOST() async throws {
        let receiver = try OTLPReceiver()
        let server = try await HTTPServer.start(fixture, environment: receiver.environment)
        let accept = ["Accept": "application/json, text/event-stream", "Content-Type": "application/json"]
        let initialize = #"{"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}"#
        let opened = try await server.send("POST", "/mcp", initialize, headers: accept)
        let session = try #require(opened.header("Mcp-Session-Id"), "status \(opened.status)")
        let inSession = accept.merging(["Mcp-Session-Id": session]) { $1 }
        _ = try await server.send("POST", "/mcp", #"{"jsonrpc": "2.0", "method": "notifications/initialized"}"#, headers: inSession)
        let call = #"{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "traced", "arguments": {}}}"#
        let answered = try await server.send("POST", "/mcp", call, headers: inSession.merging(["traceparent": Self.traceparent]) { $1 })
        #expect(answered.status == 200)
        // The POST's span ends after its answer is written, so it may come in a later batch than
        // the MCP span under it: wait for all three.
        let spans = receiver.spans {
            named("tools/call", in: $0).count == 1 && named("execute_tool", in: $0).count == 1
                && $0.contains { $0["name"] == "POST /mcp" && $0["trace_id"]?.stringValue == Self.callerTrace }
        }
        try await server.expectCleanExit()
        let request = try #require(named("tools/call traced", in: spans).first, "spans: \(spans)")
        let post = try #require(spans.first { $0["span_id"] == request["parent_span_id"] }, "spans: \(spans)")
        #expect(post["name"] == "POST /mcp" && post["parent_span_id"]?.stringValue == Self.callerSpan)
        #expect(request["trace_id"]?.stringValue == Self.callerTrace)
        #expect(request.attribute("network.transport") == "tcp" && request.attribute("mcp.session.id")?.stringValue == session)
        #expect(named("execute_tool traced", in: spans).first?["parent_span_id"] == request["span_id"])
    }

    @Test func aJSONLinesRequestNamesItsParentInTraceparent() throws {
        let receiver = try OTLPReceiver()
        let lines = [#"{"id": 1, "tool": "traced", "input": {}, "traceparent": "\#(Self.traceparent)", "tracestate": "k=v"}"#,
                     #"{"id": 2, "tool": "traced", "input": {}, "traceparent": 7}"#]
        let result = try fixture.run(["serve", "--jsonl"], input: lines.joined(separator: "\n") + "\n", environment: receiver.environment)
        #expect(result.status == 0)
        let answers = result.stdoutText.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        let refused = answers.first { $0["id"] == 2 }
        #expect(refused?["result"]?["error_code"] == "invalid_request" && refused?["result"]?["error"] == "The request's traceparent must be text.")
        let call = try #require(named("execute_tool traced", in: receiver.spans { !$0.isEmpty }).first)
        #expect(call["trace_id"]?.stringValue == Self.callerTrace && call["parent_span_id"]?.stringValue == Self.callerSpan)
        #expect(call["trace_state"] == "k=v")
        let traced = answers.first { $0["id"] == 1 }?["result"]?["traceparent"]?.stringValue
        #expect(traced == "00-\(Self.callerTrace)-\(call["span_id"]?.stringValue ?? "?")-01")
    }

    @Test func anMCPRequestsSpanTakesItsParentFromMeta() throws {
        let receiver = try OTLPReceiver()
        let mcp = try MCPLines(binary: fixture.binary, [], environment: receiver.environment, directory: fixture.directory.path)
        mcp.send(["jsonrpc": "2.0", "id": 1, "method": "tools/call",
                  "params": ["name": "traced", "arguments": [:], "_meta": ["traceparent": .string(Self.traceparent)]]])
        let answer = try mcp.answer(to: 1, within: 60)
        #expect(answer["result"]?["isError"] != true, "answer: \(answer)")
        mcp.call("fail", id: 2)
        _ = try mcp.answer(to: 2, within: 60)
        mcp.server.closeInput()
        _ = try mcp.server.waitForExit(within: 30)
        let spans = receiver.spans { named("tools/call", in: $0).count == 2 && named("execute_tool", in: $0).count == 2 }
        let request = try #require(named("tools/call traced", in: spans).first, "spans: \(spans)")
        #expect(request["kind"] == "SPAN_KIND_SERVER")
        #expect(request["trace_id"]?.stringValue == Self.callerTrace && request["parent_span_id"]?.stringValue == Self.callerSpan)
        #expect(request.attribute("mcp.method.name") == "tools/call" && request.attribute("gen_ai.tool.name") == "traced")
        #expect(request.attribute("network.transport") == "pipe")
        let call = try #require(named("execute_tool traced", in: spans).first)
        #expect(call["parent_span_id"] == request["span_id"])
        // A call answered with isError fails its request's span as a tool error.
        let failed = try #require(named("tools/call fail", in: spans).first)
        #expect(failed.attribute("error.type") == "tool_error" && failed["status"] == "STATUS_CODE_ERROR")
        #expect(failed["trace_id"]?.stringValue != Self.callerTrace)
    }
}
