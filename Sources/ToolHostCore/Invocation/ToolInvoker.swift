/// Runs a tool by id: look it up, validate the input, then dispatch to its Swift handler or
/// start it as a plugin. The one path every front end (CLI today, servers later) goes through.
public struct ToolInvoker: Sendable {
    public let config: HostConfig
    public let tools: ToolsManager
    public let handlers: HandlerRegistry
    public let hostEnvironment: [String: String]
    /// Told about every call `invoke` makes (nil: nothing is recorded).
    public var recorder: (any InvocationRecorder)?
    /// Where handlers get the whole catalogue (nil: loaded from disk each time they ask).
    public var catalogueSource: (@Sendable () -> Catalogue)?
    /// What a call of a tool changed since it was approved gets: `tools.pinning.run` by
    /// default; the servers set `tools.pinning.serve`.
    public var pinning: PinningMode
    /// The approved definitions (`approved-tools.json` in the data directory).
    public let approvals: ToolApprovals

    public init(config: HostConfig, handlers: HandlerRegistry,
                hostEnvironment: [String: String] = ProcessEnvironment.current(), recorder: (any InvocationRecorder)? = nil) {
        self.config = config
        self.tools = ToolsManager(config: config, handlers: handlers, environment: hostEnvironment)
        self.handlers = handlers
        self.hostEnvironment = hostEnvironment
        self.recorder = recorder
        pinning = config.pinning.run
        approvals = ToolApprovals(config: config)
    }

    /// Per-call choices of the caller.
    public struct Options: Sendable {
        /// Overrides the tool's and the config's timeout (seconds).
        public var timeoutSeconds: Double?
        /// Sees plugin stderr as it arrives.
        public var stderrObserver: (@Sendable (ArraySlice<UInt8>) -> Void)?
        /// Receives warnings (e.g. an environment variable a tool wants but may not have).
        public var warn: @Sendable (String) -> Void
        /// Stops a plugin's process group when cancelled (a long-lived front end's caller went
        /// away, Ctrl-C on `toolhost run`).
        public var cancellation: CallCancellation?
        /// Stops a plugin's process group even if this process is killed (`ProcessRequest.stopsWithHost`).
        public var stopsPluginWithHost: Bool
        /// A person's answer, when the front end asked one because the policy says `confirm`
        /// (MCP elicitation). Set by the front end, never read from the tool's input.
        public var confirmation: CallConfirmation?
        /// The workflows this call runs inside, outermost first (`WorkflowRunner` bounds cycles
        /// and depth with it); empty for a caller's own call.
        public var workflowChain: [String] = []
        /// For a stream producer or consumer: who sees each item as it comes, and the caller's
        /// bounds (`StreamCallOptions`); ignored by every other tool.
        public var stream = StreamCallOptions()
        /// Who hears how far the call has come (a caller that asked: MCP's `progressToken`):
        /// handlers report through `HandlerContext.progress`, plugins by their stderr's
        /// progress lines (`ProgressLineReader`). Nil: nobody asked, nothing is read for it.
        public var progress: ProgressReporter?
        /// The caller's span (an HTTP or MCP request's; `TRACEPARENT` for `toolhost run`); nil:
        /// the span this code runs in (`TraceScope.current`), if any.
        public var traceParent: SpanContext?
        /// The call's id for its span (`gen_ai.tool.call.id`): a front end's request id.
        public var callID: String?
        /// Who made the call, for its record: the `TOOLHOST_AGENT_ID` of a `toolhost run` whose
        /// call a server runs in its place; nil: this process's own.
        public var agentID: String?

        public init(timeoutSeconds: Double? = nil, stderrObserver: (@Sendable (ArraySlice<UInt8>) -> Void)? = nil,
                    warn: @escaping @Sendable (String) -> Void = { _ in }, cancellation: CallCancellation? = nil,
                    stopsPluginWithHost: Bool = false, confirmation: CallConfirmation? = nil) {
            self.timeoutSeconds = timeoutSeconds
            self.stderrObserver = stderrObserver
            self.warn = warn
            self.cancellation = cancellation
            self.stopsPluginWithHost = stopsPluginWithHost
            self.confirmation = confirmation
        }
    }

    /// What a call produced, as values: a handler's answer, ToolHost's own error (a refusal, a
    /// handler's failure, anything before a plugin ran), or a plugin run, which the front end
    /// prints raw or as an envelope. JSON is written once, by the front end; nothing here is
    /// read back out of JSON.
    ///
    /// ```swift
    /// switch invoker.invoke(tool, input: input) {
    /// case .answer(let value): print(value)                // a handler succeeded
    /// case .failure(let error): print(error.code)          // e.g. invalid_input, not_found
    /// case .plugin(let run): print(run.exitCode)           // stdout parsed once, kept
    /// }
    /// ```
    public enum Result: Sendable {
        /// A handler's answer. A handler that fails throws, so an answer is a success.
        case answer(JSONValue)
        case failure(ToolHostError)
        case plugin(PluginRun)

        public var succeeded: Bool { errorCode == nil }

        /// Why the call failed (nil when it succeeded): the error's code, the host's own
        /// finding for a plugin (timeout, cancelled...), else `plugin_failed`.
        public var errorCode: ErrorCode? {
            switch self {
            case .answer: nil
            case .failure(let error): error.code
            case .plugin(let run): run.succeeded ? nil : run.hostError?.code ?? .pluginFailed
            }
        }

        /// The exit status `toolhost run` ends with.
        public var exitCode: Int32 {
            switch self {
            case .answer: 0
            case .failure(let error): error.exitCode
            case .plugin(let run): run.exitCode
            }
        }
    }

    /// Resolves the tool first, so an unknown id is reported before any input is read.
    public func resolve(_ id: String) throws(ToolHostError) -> ToolDefinition {
        try runnable(try tools.definition(for: id))
    }

    /// `tool` itself when this host can run it; else why not (a handler it lacks, a type it
    /// keeps in the catalogue but cannot run).
    public func runnable(_ tool: ToolDefinition) throws(ToolHostError) -> ToolDefinition {
        let id = tool.id
        switch tool.runner {
        case .handler(let name) where handlers.handler(named: name) == nil:
            throw ToolHostError(.unknownHandler,
                                "Tool '\(id)' names the handler '\(name)', which this ToolHost does not have (it has: \(handlers.names.joined(separator: ", "))).")
        case .typeHandler(let type) where handlers.handler(for: type) == nil:
            throw ToolHostError(.unsupportedToolType, "Tool '\(id)' cannot be run: this ToolHost has no runner for tools of type '\(type)'.",
                                details: ["type": .string(type.name)])
        case .unsupported(let reason):
            throw ToolHostError(.unsupportedToolType, "Tool '\(id)' cannot be run: \(reason).",
                                details: ["type": .string(tool.type.name)])
        default:
            return tool
        }
    }

    public func invoke(_ tool: ToolDefinition, input: JSONObject, options: Options = Options()) -> Result {
        var delivered: Result?
        invoke(tool, input: input, options: options) { delivered = $0 }
        return delivered ?? .failure(ToolHostError(.internalError, "The call of '\(tool.id)' produced no result."))
    }

    /// Runs the tool, hands the result to `deliver` (which writes the answer), and only then
    /// records the call: the caller has its answer before the recorder touches the database,
    /// and a slow or unavailable store costs it a warning, never the answer.
    public func invoke(_ tool: ToolDefinition, input: JSONObject, options: Options = Options(), deliver: (Result) -> Void) {
        let started = MonotonicClock.now()
        let afterAnswer = AfterAnswer()
        let notes = CallNotes()
        var policy: PolicyOutcome?
        let parent = options.traceParent ?? TraceScope.current
        let span = InvocationSpan.start(tool, input: input, callID: options.callID, parent: parent)
        // The call's span is the one its database statements, plugins and steps run in.
        let result = TraceScope.$current.withValue(span?.span.context ?? parent) {
            OutputSchemaCheck.checked(
                dispatch(tool, input: input, options: options, afterAnswer: afterAnswer, notes: notes, policy: &policy),
                tool: tool, schema: handlers.answerSchema(of: tool))
        }
        let duration = MonotonicClock.now() - started
        span?.finish(result)
        deliver(result)
        for warning in afterAnswer.run() { options.warn(warning) }
        if let recorder {
            var record = Self.record(of: result, tool: tool, input: input, agentID: agentID(options),
                                     duration: duration)
            record.policy = policy
            record.workflow = WorkflowTrace(tool: tool, result: result)
            record.notes = notes.all
            record.traceID = (span?.span.context ?? parent)?.traceIDText
            if let warning = recorder.record(record) { options.warn(warning) }
        }
    }

    /// Records a call refused before it could run (unknown tool, unreadable input); the
    /// caller has already answered it.
    public func recordRejected(toolID: String, error: ToolHostError, options: Options) {
        guard let recorder else { return }
        let record = InvocationRecord(toolID: toolID, agentID: agentID(options), input: [:], output: error.answer,
                                      success: false, exitCode: error.exitCode, errorCode: error.code.rawValue, error: error.message,
                                      durationSeconds: 0)
        if let warning = recorder.record(record) { options.warn(warning) }
    }

    private func agentID(_ options: Options) -> String? {
        options.agentID ?? hostEnvironment["TOOLHOST_AGENT_ID"]
    }

    /// `policy` gets the policy's outcome when it was not a plain allow, for the record.
    private func dispatch(_ tool: ToolDefinition, input: JSONObject, options: Options, afterAnswer: AfterAnswer,
                          notes: CallNotes, policy: inout PolicyOutcome?) -> Result {
        if options.cancellation?.isCancelled == true {
            return .failure(ToolHostError(.cancelled, "The call of '\(tool.id)' was cancelled before it started."))
        }
        // Before anything of the tool is trusted, its schema included.
        do {
            try approvals.check(tool, mode: pinning, warn: options.warn)
        } catch {
            return .failure(error)
        }
        // The operator's policy; a refusal is recorded (and audited) like any call. The nature
        // comes from the pinned definition (annotations are part of its fingerprint).
        let outcome = config.policy.verdict(for: tool, input: input).outcome(given: options.confirmation)
        if !outcome.isPlainAllow { policy = outcome }
        if let refusal = outcome.refusal { return .failure(refusal) }
        let validation = SchemaValidator.validate(.object(input), against: tool.inputSchema)
        guard validation.isValid else { return .failure(.invalidInput(validation.violations, tool: tool.id)) }
        let validated = validation.value.objectValue ?? input
        switch tool.runner {
        case .handler(let name):
            guard let handler = handlers.handler(named: name) else {
                return .failure(ToolHostError(.unknownHandler, "Tool '\(tool.id)' names the handler '\(name)', which this ToolHost does not have."))
            }
            return run(handler, tool: tool, input: validated, options: options, afterAnswer: afterAnswer, notes: notes)
        case .typeHandler(let type):
            guard let handler = handlers.handler(for: type) else {
                return .failure(ToolHostError(.unsupportedToolType, "Tool '\(tool.id)' cannot be run: this ToolHost has no runner for tools of type '\(type)'."))
            }
            return run(handler, tool: tool, input: validated, options: options, afterAnswer: afterAnswer, notes: notes)
        case .plugin:
            return runPlugin(tool, input: validated, options: options)
        case .workflow:
            return WorkflowRunner(invoker: self).run(tool, input: validated, options: options)
        case .customClass(let spec):
            return runCustomClass(tool, spec: spec, input: validated, options: options)
        case .streamProducer:
            return StreamProducerRunner(invoker: self).run(tool, input: validated, options: options)
        case .streamConsumer:
            return StreamConsumerRunner(invoker: self).run(tool, input: validated, options: options)
        case .unsupported(let reason):
            return .failure(ToolHostError(.unsupportedToolType, "Tool '\(tool.id)' cannot be run: \(reason)."))
        }
    }

    private static func record(of result: Result, tool: ToolDefinition, input: JSONObject, agentID: String?, duration: Double) -> InvocationRecord {
        switch result {
        case .answer(let answer):
            return InvocationRecord(toolID: tool.id, agentID: agentID, input: input, output: answer, success: true, exitCode: 0,
                                    errorCode: nil, error: nil, durationSeconds: duration)
        case .failure(let error):
            return InvocationRecord(toolID: tool.id, agentID: agentID, input: input, output: error.answer, success: false,
                                    exitCode: error.exitCode, errorCode: error.code.rawValue, error: error.message, durationSeconds: duration)
        case .plugin(let run):
            let output: JSONValue = switch run.parsedOutput {
            case .success(let value)?: value
            default: ["stdout": .string(String(decoding: run.outcome.stdout, as: UTF8.self))]
            }
            // A failed plugin's own words (its JSON `error`) say more than the host's summary.
            let envelope: JSONValue? = run.succeeded ? nil : run.envelope
            return InvocationRecord(
                toolID: tool.id, agentID: agentID, input: input, output: output, success: run.succeeded, exitCode: run.exitCode,
                errorCode: run.succeeded ? nil : output["error_code"]?.stringValue ?? envelope?["error_code"]?.stringValue,
                error: run.succeeded ? nil : output["error"]?.stringValue ?? envelope?["error"]?.stringValue, durationSeconds: duration)
        }
    }

    private func run(_ handler: any ToolHandler, tool: ToolDefinition, input: JSONObject, options: Options, afterAnswer: AfterAnswer,
                     notes: CallNotes) -> Result {
        let context = HandlerContext(tool: tool, config: config, tools: tools, handlers: handlers, warn: options.warn,
                                     afterAnswer: afterAnswer, catalogue: catalogueSource, timeoutSeconds: options.timeoutSeconds,
                                     cancellation: options.cancellation, notes: notes, progress: options.progress)
        do {
            return .answer(try handler.handle(input, context: context))
        } catch {
            return .failure(error)
        }
    }

    private func runPlugin(_ tool: ToolDefinition, input: JSONObject, options: Options) -> Result {
        let launcher = PluginLauncher(settings: config.plugins, hostEnvironment: hostEnvironment)
        do {
            let launch = try launcher.launch(tool, input: input, timeoutOverride: options.timeoutSeconds)
            return .plugin(try supervise(launch, toolID: tool.id, options: options))
        } catch {
            return .failure(error)
        }
    }

    /// Starts a launched process under the call's options (warnings, live stderr, cancellation,
    /// the host watchdog) and waits for it: every child process of a call goes through here.
    func supervise(_ launch: PluginLauncher.Launch, toolID: String, options: Options) throws(ToolHostError) -> PluginRun {
        launch.warnings.forEach(options.warn)
        var request = launch.request
        request.stderrObserver = Self.observingProgress(of: toolID, options: options)
        request.cancellation = options.cancellation
        request.stopsWithHost = options.stopsPluginWithHost
        if let context = TraceScope.current { request.environment = Self.environment(request.environment, tracedBy: context) }
        let outcome = try ProcessRunner.run(request)
        return PluginRun(toolID: toolID, commandLine: launch.commandLine, outcome: outcome,
                         timeoutSeconds: request.timeoutSeconds, maxOutputBytes: request.maxOutputBytes)
    }

    /// A child's environment with the call's trace context (`TRACEPARENT`, `TRACESTATE`, the
    /// names OpenTelemetry gives them in environment variables) in place of any it had.
    static func environment(_ entries: [String], tracedBy context: SpanContext) -> [String] {
        var result = entries.filter { !$0.hasPrefix("TRACEPARENT=") && !$0.hasPrefix("TRACESTATE=") }
        result.append("TRACEPARENT=" + context.traceparent)
        if let state = context.traceState { result.append("TRACESTATE=" + state) }
        return result
    }
}
