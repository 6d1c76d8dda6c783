import Dispatch
import Synchronization
import ToolHostCore
import ToolHostStorage
import ToolHostTools

/// One long-lived ToolHost behind every `toolhost serve` front end: the same dispatch as
/// `toolhost run` (catalogue, schema validation, handlers, plugin runner, recording), with the
/// catalogue kept in memory, database connections pooled across calls, calls run on
/// `service.max_concurrent_calls` threads, and every call counted.
///
/// The front ends differ only in how a request arrives and how the answer leaves.
public final class ServiceHost: Sendable {
    public let invoker: ToolInvoker
    public let catalogue: LiveCatalogue
    public let metrics = ServiceMetrics()
    private let workers: WorkerThreads
    /// Where warnings go (stderr in `toolhost serve`).
    public let warn: @Sendable (String) -> Void
    /// Sees plugins' stderr as it arrives, for calls whose request names no observer of its own
    /// (forwarded to the server's stderr, as `toolhost run` does).
    private let pluginStderr: (@Sendable (ArraySlice<UInt8>) -> Void)?
    /// The access lines of calls and the tagged plugin stderr (nil: neither, and plugin stderr
    /// goes to `pluginStderr` as it comes).
    public let log: ServiceLog?

    public var config: HostConfig { invoker.config }

    /// Submitted calls, from the queue to the end of their recording.
    private let running = DispatchGroup()
    /// The same calls with their cancellations, for a shutdown to stop.
    private let calls = RunningCalls()
    /// For health checks and metrics: never queued behind tool calls.
    private let operations = WorkerThreads(count: 1)
    private let shutdownHooks = Mutex<[@Sendable () -> Void]>([])
    /// Writes the recordings of calls in batches (nil when recording is off).
    private let recorder: BatchingRecorder?

    /// Loads the catalogue and starts the worker threads and the catalogue watcher. Calls are
    /// recorded through `recorder` in batches, after their answers.
    public init(invoker: ToolInvoker, recorder: (any InvocationRecorder)?, warn: @escaping @Sendable (String) -> Void,
                pluginStderr: (@Sendable (ArraySlice<UInt8>) -> Void)? = nil, log: ServiceLog? = nil) {
        self.pluginStderr = pluginStderr
        self.log = log
        var invoker = invoker
        invoker.pinning = invoker.config.pinning.serve
        self.recorder = recorder.map { BatchingRecorder(store: $0, warn: warn) }
        invoker.recorder = self.recorder
        let catalogue = LiveCatalogue(tools: invoker.tools)
        // Handlers that read the whole catalogue (tools_manager list, search) get the live one,
        // checked for changed files first, so a tool registered a moment ago is listed.
        invoker.catalogueSource = { [catalogue] in
            catalogue.refreshIfChanged()
            return catalogue.current
        }
        self.catalogue = catalogue
        self.invoker = invoker
        self.warn = warn
        // Forked now, while the server is small, rather than once per plugin call.
        PluginWatchdog.startShared(killGraceSeconds: invoker.config.plugins.killGraceSeconds, sandbox: invoker.config.plugins.sandbox)
        workers = WorkerThreads(count: invoker.config.service.maxConcurrentCalls)
        catalogue.watch(every: invoker.config.service.cataloguePollSeconds)
    }

    /// Runs `request` on this (worker) thread. `deliver` gets the answer as soon as there is one; the
    /// call is recorded after that (a slow store never delays an answer).
    private func perform(_ request: CallRequest, deliver: (InvocationAnswer) -> Void) {
        let started = MonotonicClock.now()
        metrics.started()
        let requestID = request.requestID ?? log?.nextRequestID() ?? ""
        // Whole lines tagged with the call, when there is a log; else the bytes as they come.
        let stderrLines = request.stderrObserver == nil ? log.map { PluginStderrLines(log: $0, tool: request.toolID, requestID: requestID) } : nil
        // A watchdog stops a plugin's group even if the server is killed outright (SIGKILL, or
        // the end of its shutdown grace period with a call still running).
        var options = ToolInvoker.Options(stderrObserver: request.stderrObserver ?? stderrLines?.observer ?? pluginStderr, warn: warn,
                                          cancellation: request.cancellation, stopsPluginWithHost: true,
                                          confirmation: request.confirmation)
        options.stream.onItem = request.itemObserver
        options.progress = request.progress
        options.traceParent = request.traceParent
        options.callID = requestID
        func finish(_ answer: InvocationAnswer) {
            stderrLines?.finish()
            count(answer, of: request.toolID, seconds: MonotonicClock.now() - started, requestID: requestID)
            deliver(answer)
        }
        let tool: ToolDefinition
        let input: JSONObject
        do throws(ToolHostError) {
            // A tool id is a file name: a longer one names no tool, and is not searched for.
            guard request.toolID.utf8.count <= Self.maxToolIDBytes else {
                throw ToolHostError(.unknownTool, "No tool named '\(request.toolID.prefix(40))…': tool ids are at most \(Self.maxToolIDBytes) bytes.")
            }
            var resolved = try invoker.runnable(try catalogue.definition(for: request.toolID))
            // A definition approved a moment ago (a tool registered again) may be newer than
            // the snapshot: look again before the old one is refused as changed.
            if invoker.pinning != .off, case .changed = invoker.approvals.state(of: resolved), catalogue.refreshIfChanged() {
                resolved = try invoker.runnable(try catalogue.definition(for: request.toolID))
            }
            tool = resolved
            input = try request.inputObject()
        } catch {
            finish(InvocationAnswer(error))
            invoker.recordRejected(toolID: request.toolID, error: error, options: options)
            return
        }
        options.timeoutSeconds = CallTimeout.seconds(asked: request.timeoutSeconds, for: tool, config: config)
        invoker.invoke(tool, input: input, options: options) { result in
            finish(InvocationAnswer(result, envelope: request.envelope))
        }
    }

    /// Answers a call refused before it could be submitted (input that is not JSON, a full
    /// queue), counting and recording it as `toolhost run` records a refused call.
    public func refuse(toolID: String, _ error: ToolHostError) -> InvocationAnswer {
        let answer = InvocationAnswer(error)
        metrics.started()
        count(answer, of: toolID, seconds: 0, requestID: RequestIdentity.current ?? log?.nextRequestID() ?? "")
        invoker.recordRejected(toolID: toolID, error: error, options: ToolInvoker.Options(warn: warn))
        return answer
    }

    /// Longest tool id looked up (a file name's limit).
    static let maxToolIDBytes = 255

    /// Ids that name no tool share one label: callers cannot grow the metrics (or the log
    /// lines) at will. The one place every front end's calls end: counted and logged here.
    private func count(_ answer: InvocationAnswer, of toolID: String, seconds: Double, requestID: String) {
        let known = answer.errorCode != .unknownTool && toolID.utf8.count <= Self.maxToolIDBytes
        metrics.finished(tool: known ? toolID : ServiceMetrics.unknownToolLabel, answer: answer, seconds: seconds)
        log?.call(tool: known ? toolID : String(toolID.prefix(80)), requestID: requestID, answer: answer, seconds: seconds)
    }

    /// Runs `request` on a worker thread when one is free; `completion` is called there.
    public func submit(_ request: CallRequest, completion: @escaping @Sendable (InvocationAnswer) -> Void) {
        var request = request
        let cancellation = request.cancellation ?? CallCancellation()
        request.cancellation = cancellation
        guard let token = admit(cancellation) else {
            return completion(refuse(toolID: request.toolID, ToolHostError(.cancelled, "The server is shutting down: it takes no new calls.")))
        }
        workers.submit { [self, request] in
            perform(request, deliver: completion)
            calls.remove(token)
            running.leave()
        }
    }

    /// Runs `call` — one a `toolhost run` handed over, run as that command runs it — on a
    /// worker thread, counted and logged, among the calls a shutdown waits for and cancels.
    /// False, with nothing run, when the server is shutting down.
    public func runHandedOff(toolID: String, _ call: @escaping @Sendable (CallCancellation) -> InvocationAnswer) -> Bool {
        let cancellation = CallCancellation()
        guard let token = admit(cancellation) else { return false }
        workers.submit { [self] in
            let started = MonotonicClock.now()
            metrics.started()
            let answer = call(cancellation)
            count(answer, of: toolID, seconds: MonotonicClock.now() - started, requestID: log?.nextRequestID() ?? "")
            calls.remove(token)
            running.leave()
        }
        return true
    }

    /// Runs `request` on a worker thread and waits for its answer. Cancelling the task cancels
    /// the call (a plugin's process group is stopped). With `service.max_queued_calls` calls
    /// waiting already, the call is refused at once (`overloaded`), counted and recorded.
    public func call(_ request: CallRequest) async -> InvocationAnswer {
        let limit = config.service.maxQueuedCalls
        if workers.load.queued >= limit {
            return refuse(toolID: request.toolID, ToolHostError(
                .overloaded, "The server is busy: \(limit) calls are waiting already (service.max_queued_calls); try again shortly."))
        }
        var request = request
        let cancellation = request.cancellation ?? CallCancellation()
        request.cancellation = cancellation
        request.requestID = request.requestID ?? RequestIdentity.current
        request.traceParent = request.traceParent ?? TraceScope.current
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                submit(request) { continuation.resume(returning: $0) }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    /// Runs blocking work that is not a tool call (a health check) on a thread of its own, so
    /// that a probe is not queued behind long calls.
    public func runBlocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            operations.submit { continuation.resume(returning: work()) }
        }
    }

    /// Counts a call among those `finishCalls` waits for, from the queue on; nil, with nothing
    /// counted, once the server takes no new calls. Counted before it is registered: a call
    /// registered a moment before `finishCalls` closes the door is always waited for.
    private func admit(_ cancellation: CallCancellation) -> Int? {
        running.enter()
        guard let token = calls.add(cancellation) else {
            running.leave()
            return nil
        }
        return token
    }

    /// Takes no new call, waits for the submitted ones (queued or running; their answers may be
    /// out and their recordings not yet queued), then writes the queued recordings: for a server
    /// about to exit. Closing first means no call is taken and then cut off by that exit: a
    /// hand-off arriving now is declined, and its caller runs it itself.
    public func finishCalls() {
        calls.close()
        running.wait()
        recorder?.flush()
    }

    /// For a server told to stop (SIGTERM): takes no new calls (each is answered `cancelled`),
    /// and starts the `ShutdownClock`, which ends the calls in flight within
    /// `service.shutdown_grace_seconds`. The front end stops reading or accepting first.
    public func beginShutdown() {
        for hook in shutdownHooks.withLock({ hooks in defer { hooks.removeAll() }; return hooks }) { hook() }
        calls.close()
        ShutdownClock.start(for: self)
    }

    /// Runs `hook` when the server begins to shut down, before the calls in flight are waited
    /// for: another way in stops taking calls (the hand-off socket).
    public func onShutdown(_ hook: @escaping @Sendable () -> Void) {
        shutdownHooks.withLock { $0.append(hook) }
    }

    /// Cancels every call submitted and not finished: a plugin's whole process group is
    /// stopped (SIGTERM, SIGKILL after `plugins.kill_grace_seconds`), and a call still queued
    /// is answered `cancelled` without starting. How many calls there were.
    @discardableResult
    func cancelAllCalls() -> Int {
        calls.cancelAll()
    }

    /// Calls submitted and not finished (queued or running).
    public var unfinishedCalls: Int { calls.count }

    /// Calls waiting for a worker, and calls running.
    public var load: (queued: Int, running: Int) { workers.load }

    /// Whether the configured database answers; the failure's sentence when it does not.
    public func checkDatabase() -> String? {
        do throws(ToolHostError) {
            try Database.shared(for: config.database).withDatabaseConnection { (connection) throws(DatabaseError) in
                _ = try connection.run("SELECT 1 AS ok")
            }
            return nil
        } catch {
            return error.message
        }
    }

    /// Training rows stored and not yet published to the live stream; nil when unknown.
    public func outboxBacklog() -> Int? {
        try? Database.shared(for: config.database).withDatabaseConnection { (connection) throws(DatabaseError) in
            try StreamOutbox.pendingCount(on: connection)
        }
    }

    /// The metrics text of `GET /metrics`, with the gauges measured now.
    public func prometheusText() -> String {
        // Only while tracing is on: an operator sees spans lost to a collector that is down.
        let spans = Tracer.current.map { $0.exporter.counts }
        let counters: [(name: String, help: String, value: Double)] = spans.map { [
            ("toolhost_trace_spans_exported_total", "Spans the collector accepted.", Double($0.sent)),
            ("toolhost_trace_spans_dropped_total", "Spans lost: the collector refused or was unreachable, or the queue was full.", Double($0.lost)),
        ] } ?? []
        return metrics.prometheusText(counters: counters, gauges: [
            ("toolhost_outbox_backlog", "Stored training rows not yet published to the live stream.", outboxBacklog().map(Double.init)),
            ("toolhost_calls_queued", "Calls waiting for a free worker.", Double(load.queued)),
            ("toolhost_catalogue_tools", "Tools in the catalogue.", Double(catalogue.current.tools.count)),
        ])
    }
}

/// One call as a front end received it.
public struct CallRequest: Sendable {
    public var toolID: String
    /// Should be a JSON object; anything else is answered with `invalid_input`.
    public var input: JSONValue
    /// Overrides the tool's and the config's timeout (seconds).
    public var timeoutSeconds: Double?
    /// Answer with the plugin envelope (`toolhost run --envelope`) instead of its output.
    public var envelope: Bool
    public var cancellation: CallCancellation?
    /// Sees plugin stderr as it arrives.
    public var stderrObserver: (@Sendable (ArraySlice<UInt8>) -> Void)?
    /// A person's answer to the policy's `confirm`, when the front end asked one (MCP
    /// elicitation); never taken from the request's own fields.
    public var confirmation: CallConfirmation?
    /// Sees each item of a stream tool as it comes (MCP progress notifications).
    public var itemObserver: (@Sendable (JSONValue) -> Void)?
    /// Hears how far the call has come, when the caller asked (MCP's `progressToken`).
    public var progress: ProgressReporter?
    /// Names the call in the log lines (its own and its plugin's stderr); nil: the HTTP
    /// request's (`RequestIdentity`), else a new one.
    public var requestID: String?
    /// The span the call runs under (the HTTP or MCP request's); nil: the span of the task
    /// that calls `call`, if any (`TraceScope`).
    public var traceParent: SpanContext?

    public init(toolID: String, input: JSONValue, timeoutSeconds: Double? = nil, envelope: Bool = false,
                cancellation: CallCancellation? = nil, stderrObserver: (@Sendable (ArraySlice<UInt8>) -> Void)? = nil,
                confirmation: CallConfirmation? = nil) {
        self.toolID = toolID
        self.input = input
        self.timeoutSeconds = timeoutSeconds
        self.envelope = envelope
        self.cancellation = cancellation
        self.stderrObserver = stderrObserver
        self.confirmation = confirmation
    }

    func inputObject() throws(ToolHostError) -> JSONObject {
        guard case .object(let object) = input else {
            throw ToolHostError.invalidInput([Violation(path: "", message: "must be a JSON object, not \(input.kindPhrase)")], tool: toolID)
        }
        return object
    }
}
