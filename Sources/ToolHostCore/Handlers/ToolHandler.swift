/// An in-process implementation of a tool, selected by the `handler:` key of its YAML.
///
/// The host has already validated the input against the tool's schema (defaults applied)
/// when `handle` is called. A handler answers with the JSON object to print, in the shapes
/// code-evolver parses (`{"success": true, "data": [...], "count": n}`), and reports failures
/// by throwing `ToolHostError`, which the host turns into `{"success": false, ...}`.
public protocol ToolHandler: Sendable {
    /// The name YAML files use in `handler:`.
    var name: String { get }
    func handle(_ input: JSONObject, context: HandlerContext) throws(ToolHostError) -> JSONValue
    /// What the handler knows of what `tool`'s calls do, as MCP hints (per operation for an
    /// `OperationHandler`): filled in where the YAML declares nothing, and what `toolhost
    /// validate` holds the declared hints against (`AnnotationsLint`). Empty by default: MCP's
    /// safe defaults then hold.
    func derivedAnnotations(of tool: ToolDefinition) -> ToolAnnotations
    /// The JSON Schema every successful answer of `tool` follows, checked by the invoker and
    /// sent as MCP's `outputSchema` (`OutputSchemaCheck`); the tool's `output_schema` by default.
    /// A handler whose answer wraps what `output_schema` describes (an `llm` tool's `data`)
    /// says so here.
    func answerSchema(of tool: ToolDefinition) -> JSONValue?
}

extension ToolHandler {
    public func derivedAnnotations(of tool: ToolDefinition) -> ToolAnnotations { ToolAnnotations() }
    public func answerSchema(of tool: ToolDefinition) -> JSONValue? { tool.outputSchema }
}

/// What a handler may use besides its input: the tool being run and the host around it.
public struct HandlerContext: Sendable {
    public let tool: ToolDefinition
    public let config: HostConfig
    public let tools: ToolsManager
    public let handlers: HandlerRegistry
    /// Tells the caller something worth knowing that does not fail the call (stderr in the CLI).
    public let warn: @Sendable (String) -> Void
    /// Work to do once the answer is delivered (its warnings go to `warn`).
    public let afterAnswer: AfterAnswer
    /// The whole catalogue as it is now: loaded from disk in a one-shot process, the live one
    /// (reloaded only when files changed) in a long-lived server.
    public let catalogue: @Sendable () -> Catalogue
    /// How long the whole call may take (the caller's override, else the tool's or the
    /// host's timeout). A handler that waits on something outside the process (a model
    /// server, an HTTP API, an MCP server) keeps to it; the stores' own database timeouts
    /// bound theirs.
    public let timeoutSeconds: Double
    /// Set when the caller stops wanting the answer: a handler that waits on the network
    /// checks it (or polls `wakeDescriptor`) and gives up with `cancelled`.
    public let cancellation: CallCancellation?
    /// What to keep with the call's record besides its input and output (`CallNotes`).
    public let notes: CallNotes
    /// Where a long handler says how far it has come (rows of a batch, records of an export),
    /// when the caller asked to know; nil otherwise. Reports are throttled by the reporter.
    public let progress: ProgressReporter?

    public init(tool: ToolDefinition, config: HostConfig, tools: ToolsManager, handlers: HandlerRegistry,
                warn: @escaping @Sendable (String) -> Void = { _ in }, afterAnswer: AfterAnswer = AfterAnswer(),
                catalogue: (@Sendable () -> Catalogue)? = nil, timeoutSeconds: Double? = nil,
                cancellation: CallCancellation? = nil, notes: CallNotes = CallNotes(),
                progress: ProgressReporter? = nil) {
        self.tool = tool
        self.config = config
        self.tools = tools
        self.handlers = handlers
        self.warn = warn
        self.afterAnswer = afterAnswer
        self.catalogue = catalogue ?? { tools.loadCatalogue() }
        self.timeoutSeconds = timeoutSeconds ?? config.plugins.timeoutSeconds(of: tool)
        self.cancellation = cancellation
        self.notes = notes
        self.progress = progress
    }
}

/// The Swift handlers this host can dispatch to, by name, and the tool definitions it ships
/// for them (always in the catalogue); and the handlers of the tool types that reach outside
/// the process (`llm`, `openapi`, `mcp`...), by type. Core itself has no network client, so a
/// type's handler lives in the module that has one and is registered here: a tool of that type
/// runs through the same `invoke` path (validation, policy, recording) as any handler.
public struct HandlerRegistry: Sendable {
    private var handlers: [String: any ToolHandler] = [:]
    private var typeHandlers: [String: any ToolHandler] = [:]
    public let builtinTools: [BuiltinTool]
    /// Where stream producers publish their items and consumers read Redis streams: Core has
    /// no Redis client, so the module that has one sets it (nil: no publishing, and a
    /// consumer of a Redis stream cannot run).
    public var streams: (any StreamBroker)?

    public init(_ handlers: [any ToolHandler] = [], builtinTools: [BuiltinTool] = [],
                typeHandlers: [(ToolType, any ToolHandler)] = []) {
        self.builtinTools = builtinTools
        for handler in handlers { register(handler) }
        for (type, handler) in typeHandlers { register(handler, for: type) }
    }

    public mutating func register(_ handler: any ToolHandler) {
        handlers[handler.name] = handler
    }

    /// `handler` runs every tool of `type` that names no handler of its own.
    public mutating func register(_ handler: any ToolHandler, for type: ToolType) {
        typeHandlers[type.name] = handler
    }

    public func handler(named name: String) -> (any ToolHandler)? { handlers[name] }

    public func handler(for type: ToolType) -> (any ToolHandler)? { typeHandlers[type.name] }

    public var names: [String] { handlers.keys.sorted() }

    /// The handler that would run `tool` (its `handler:`, else its type's), if this host has one.
    public func runner(of tool: ToolDefinition) -> (any ToolHandler)? {
        switch tool.runner {
        case .handler(let name): handler(named: name)
        case .typeHandler(let type): handler(for: type)
        default: nil
        }
    }

    /// What `tool`'s handler knows of its calls (empty for plugins, workflows and the rest).
    public func derivedAnnotations(of tool: ToolDefinition) -> ToolAnnotations {
        runner(of: tool)?.derivedAnnotations(of: tool) ?? ToolAnnotations()
    }

    /// The schema `tool`'s successful answers follow (nil: none declared).
    public func answerSchema(of tool: ToolDefinition) -> JSONValue? {
        runner(of: tool).map { $0.answerSchema(of: tool) } ?? tool.outputSchema
    }
}
