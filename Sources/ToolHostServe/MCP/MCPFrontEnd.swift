import Foundation
import Logging
import MCP
import ToolHostCore
import ToolHostService

/// `toolhost serve --mcp`: the catalogue as MCP tools over stdio.
///
/// - `tools/list`: name = tool id, the description, `inputSchema` = the normalised JSON Schema,
///   the four MCP hints as `annotations` (each operation's in `_meta["toolhost/operations"]`),
///   the answer schema as `outputSchema` (`ToolDescription.mcp`),
///   `pageSize` tools per page (100 in `toolhost serve`) (cursor = the offset of the next page).
/// - `tools/call`: the same dispatch as `toolhost run`. Invalid arguments and failed calls are
///   results with `isError: true` whose text is the error sentence; an unknown tool is a
///   JSON-RPC error (invalid params).
/// - `notifications/cancelled`: the SDK cancels the handler's task, which cancels the call
///   (a plugin's process group is stopped) and sends no answer.
/// - A call the operator's policy says `confirm` for is first put to the person behind the
///   client with `elicitation/create` when the client can ask (`MCPConfirmation`); it runs only
///   when they confirm.
/// - `notifications/tools/list_changed` when the catalogue changes on disk.
/// - `notifications/progress` when the call has a `progressToken` (`MCPProgress`): each item
///   of a stream tool, the call's own counts (batch stores, exports, workflows, plugins'
///   progress lines) and a heartbeat every `service.mcp.progress_heartbeat_seconds`.
/// - `resources/templates/list`, `resources/list`, `resources/read`: stored artifacts,
///   generated tools and finished exports as `toolhost://` resources (`MCPResources`).
/// - With `service.mcp.listing: search` (or `auto` above its threshold), `tools/list` answers
///   the meta-tools `find_tools`, `describe_tool` and `call_tool` instead (`MCPMetaTools`).
/// - With tracing on, each request is a server span (`MCPRequestSpan`) under the client's
///   `params._meta.traceparent`; the calls it makes are its children.
struct MCPFrontEnd {
    let host: ServiceHost
    /// Tools per `tools/list` page.
    var pageSize = 100
    /// What requests' spans name the transport: `pipe` (stdio) or `tcp` (`/mcp`).
    var transportName = "pipe"
    /// The `/mcp` session this server serves (nil: stdio, or the stateless revision).
    var sessionID: String?

    /// Serves on stdin/stdout until the input ends and every request read is answered.
    func run() async throws {
        var logger = Logger(label: "toolhost.mcp") { _ in StreamLogHandler.standardError(label: "toolhost.mcp") }
        logger.logLevel = .warning
        let results = MCPStatelessResult(version: ToolHostVersion.current, ttlMs: host.config.service.mcpListTTLMilliseconds, tokenRequired: false)
        let transport = StdioLineTransport(maxLineBytes: host.config.service.maxRequestBytes,
                                           drainTimeoutSeconds: host.config.service.shutdownGraceSeconds,
                                           gate: MCPEraGate(results: results), logger: logger)
        let server = try await start(on: transport)
        await server.waitUntilCompleted()
    }

    /// The server with ToolHost's handlers, started on `transport` (stdio in `run`; an
    /// in-memory pair in the tests, so that a request is a unit test; `MCPExchangeTransport`
    /// for `/mcp`, which has no stream to announce catalogue changes on: `announcingListChanges`
    /// false, and the capability says so).
    func start(on transport: any Transport, announcingListChanges: Bool = true) async throws -> Server {
        let server = Server(name: "toolhost", version: ToolHostVersion.current,
                            capabilities: .init(resources: .init(subscribe: false, listChanged: false),
                                                tools: .init(listChanged: announcingListChanges)))
        let host = host
        let pageSize = pageSize
        let confirmation = MCPConfirmation()
        let metaTools = MCPMetaTools(host: host)  // service.mcp.listing: search / auto
        let spans = MCPRequestSpan(transport: transportName, sessionID: sessionID)
        await server.withMethodHandler(ListTools.self) { parameters in
            try await spans.serve("tools/list") {
                if metaTools.isActive { return metaTools.list() }
                return try Self.listTools(host.catalogue.current, cursor: parameters.cursor, pageSize: pageSize, handlers: host.invoker.handlers)
            }
        }
        await server.withMethodHandler(CallTool.self) { [weak server] parameters in
            try await spans.serve("tools/call", target: parameters.name, meta: parameters._meta, isToolError: { $0.isError == true }) {
                try await Self.answer(parameters, host: host, server: server, confirmation: confirmation, metaTools: metaTools)
            }
        }
        await ServerDiscover.register(on: server)  // the 2026-07-28 revision (MCPEraGate)
        await MCPResources(host: host, pageSize: pageSize).register(on: server, spans: spans)  // toolhost:// artifacts, tools, exports
        if announcingListChanges {
            host.catalogue.onChange { _ in
                Task { try? await server.notify(ToolListChangedNotification.message()) }
            }
        }
        try await server.start(transport: transport) { _, capabilities in confirmation.clientInitialized(with: capabilities) }
        return server
    }

    /// A `tools/call`: a meta-tool's (progressive disclosure) or a catalogue tool's, with
    /// progress when the client asked for it and a person's confirmation when the policy wants one.
    private static func answer(_ parameters: CallTool.Parameters, host: ServiceHost, server: Server?, confirmation: MCPConfirmation,
                               metaTools: MCPMetaTools) async throws -> CallTool.Result {
        // A stream tool's items go out as progress when the client asked for progress.
        let progress = server.flatMap { server in
            parameters._meta?.progressToken.map { token in
                MCPProgress(token: token, heartbeatSeconds: host.config.service.progressHeartbeatSeconds) { notification in
                    try? await server.notify(ProgressNotification.message(notification))
                }
            }
        }
        let confirm = { (request: CallRequest) async -> CallConfirmation? in
            guard let server, let verdict = host.policyVerdict(for: request) else { return nil }
            return await confirmation.confirmation(for: verdict, input: request.input, on: server)
        }
        if let result = try await metaTools.call(parameters.name, arguments: parameters.arguments, progress: progress, confirm: confirm) {
            return result
        }
        return try await callTool(host, name: parameters.name, arguments: parameters.arguments, progress: progress, confirm: confirm)
    }

    static func listTools(_ catalogue: Catalogue, cursor: String?, pageSize: Int, handlers: HandlerRegistry? = nil) throws -> ListTools.Result {
        let tools = catalogue.sortedTools
        var offset = 0
        if let cursor {
            guard let value = Int(cursor), (0...tools.count).contains(value) else {
                throw MCPError.invalidParams("Invalid cursor \"\(cursor)\": pass back the nextCursor of the previous page.")
            }
            offset = value
        }
        let end = min(offset + pageSize, tools.count)
        let page = tools[offset..<end].map { entry(of: $0, handlers: handlers) }
        return ListTools.Result(tools: page, nextCursor: end < tools.count ? String(end) : nil)
    }

    /// One `tools/list` entry, as `ToolDescription.mcp` builds it: hints in `annotations`, each
    /// operation's in `_meta["toolhost/operations"]`, the answer schema as `outputSchema`.
    static func entry(of tool: ToolDefinition, handlers: HandlerRegistry?) -> Tool {
        let entry = ToolDescription.mcp(tool, handlers: handlers)
        let hints = entry["annotations"]
        let meta = entry["_meta"]?.objectValue.map { object in
            Metadata(additionalFields: Dictionary(uniqueKeysWithValues: object.map { ($0.key, Value($0.value)) }))
        }
        return Tool(name: tool.id, title: entry["title"]?.stringValue, description: tool.description,
                    inputSchema: Value(entry["inputSchema"] ?? tool.inputSchema),
                    annotations: Tool.Annotations(readOnlyHint: hints?["readOnlyHint"]?.boolValue,
                                                  destructiveHint: hints?["destructiveHint"]?.boolValue,
                                                  idempotentHint: hints?["idempotentHint"]?.boolValue,
                                                  openWorldHint: hints?["openWorldHint"]?.boolValue),
                    outputSchema: entry["outputSchema"].map { Value($0) }, _meta: meta)
    }

    /// `confirm` asks the person for a call the policy wants confirmed (nil: not asked).
    static func callTool(_ host: ServiceHost, name: String, arguments: [String: Value]?, progress: MCPProgress? = nil,
                         confirm: (CallRequest) async -> CallConfirmation?) async throws -> CallTool.Result {
        var input = JSONObject(capacity: arguments?.count ?? 0)
        for (key, value) in (arguments ?? [:]).sorted(by: { $0.key < $1.key }) { input[key] = JSONValue(value) }
        var request = CallRequest(toolID: name, input: .object(input))
        request.itemObserver = progress?.observer
        request.progress = progress?.reporter
        request.confirmation = await confirm(request)
        if Task.isCancelled { throw CancellationError() }  // cancelled while the person was asked
        let answer = await host.call(request)
        await progress?.finish()  // every item's notification before the result
        if Task.isCancelled { throw CancellationError() }  // a cancelled request gets no answer
        // Counted and recorded like any call, but for MCP a protocol error, not a result.
        if answer.errorCode == .unknownTool { throw MCPError.invalidParams(answer.value["error"]?.stringValue ?? "No tool named '\(name)'.") }
        let schema = (try? host.catalogue.current.definition(for: name)).flatMap { host.invoker.handlers.answerSchema(of: $0) }
        return result(of: answer, schema: schema)
    }

    /// The answer as MCP content: for a success, the JSON text, and as structured content the
    /// object itself (or `{"result": answer}` for a tool whose `outputSchema` wraps a schema
    /// that is not an object's: `MCPOutputSchema`); for a failure, the error sentence first,
    /// then the JSON, and never structured content: strict clients check it against the
    /// success schema and would hide the real error behind that check's failure.
    static func result(of answer: InvocationAnswer, schema: JSONValue? = nil) -> CallTool.Result {
        let json = JSONWriter.string(answer.value)
        guard !answer.succeeded else {
            let structured = MCPOutputSchema.structuredContent(of: answer.value, schema: schema).map { Value($0) }
            return CallTool.Result(content: [.text(text: json, annotations: nil, _meta: nil)], structuredContent: structured, isError: false)
        }
        let sentence = answer.value["error"]?.stringValue ?? "The call failed (\(answer.errorCode?.rawValue ?? "error"))."
        return CallTool.Result(content: [.text(text: sentence, annotations: nil, _meta: nil), .text(text: json, annotations: nil, _meta: nil)],
                               structuredContent: nil, isError: true)
    }
}
