/// Runs a `type: stream_producer` tool: its `executable:` started and supervised as any plugin
/// (working directory, environment, sandbox, process-group stop, Ctrl-C), but its stdout read
/// line by line as it comes, each line an item (`StreamLines`), rather than kept whole.
///
/// Each item goes at once to the caller (`StreamCallOptions.onItem`: `toolhost run` prints it,
/// MCP sends it as progress) and, with Redis streaming on, to `<prefix>:stream:<tool id>`. The
/// run stops after `max_items`, after its duration, when the producer ends, or when the call is
/// cancelled; the producer's whole process group is stopped in every case. Answer:
/// `{"success": true, "items": [...], "count": n, "stopped": "max_items|duration|ended|cancelled"}`
/// (the first `maxAnswerItems` items; `items_dropped` counts the rest).
///
/// A producer that exits with a failure status, a timeout shorter than the duration, a line
/// past `plugins.max_output_bytes` are failures, with the items so far in the error's details.
struct StreamProducerRunner {
    let invoker: ToolInvoker

    /// Items kept for the answer (and its record): enough for any bounded call a server
    /// answers, a fixed cost for a `toolhost run` that follows a stream for hours.
    static let maxAnswerItems = 1000

    func run(_ tool: ToolDefinition, input: JSONObject, options: ToolInvoker.Options) -> ToolInvoker.Result {
        do {
            return try runChecked(tool, input: input, options: options)
        } catch {
            return .failure(error)
        }
    }

    private func runChecked(_ tool: ToolDefinition, input: JSONObject, options: ToolInvoker.Options) throws(ToolHostError) -> ToolInvoker.Result {
        let (decoded, diagnostics) = StreamProducerSpec.decode(tool.document)
        guard let spec = decoded else {
            let first = diagnostics.first { $0.severity == .error }?.message ?? "its stream block is unusable"
            throw ToolHostError(.invalidStream, "Stream producer '\(tool.id)' cannot run: \(first) (toolhost validate lists every problem).")
        }
        let bounds = try spec.bounds.applying(input: input, caller: options.stream, tool: tool.id)
        try bounds.requireBounded(unless: options.stream.mayRunUnbounded, kind: "stream producer", tool: tool.id)

        // A serving host gives every call a timeout; `toolhost run` only the one asked for or
        // the tool's own: a producer runs for as long as its stream lasts.
        let timeout = options.timeoutSeconds ?? tool.executable?.timeoutSeconds ?? tool.declaredTimeoutSeconds
        var launch = try PluginLauncher(settings: invoker.config.plugins, hostEnvironment: invoker.hostEnvironment).launch(tool, input: input)
        let endsByDuration = bounds.durationSeconds.map { $0 <= (timeout ?? .infinity) } ?? false
        launch.request.timeoutSeconds = min(bounds.durationSeconds ?? .infinity, timeout ?? .infinity)

        let collector = StreamCollector(
            lines: StreamLines(format: spec.itemFormat, maxLineBytes: invoker.config.plugins.maxOutputBytes),
            maxItems: bounds.maxItems, keptItems: Self.maxAnswerItems, publisher: publisher(for: tool, warn: options.warn),
            onItem: options.stream.onItem, warn: options.warn, toolID: tool.id)
        launch.request.stdoutObserver = { collector.take($0) }
        let run = try invoker.supervise(launch, toolID: tool.id, options: options)
        if !collector.reachedMax { collector.finish() }

        var answer: JSONObject = ["success": true, "items": .array(collector.items), "count": .int(collector.count)]
        if collector.count > Self.maxAnswerItems { answer["items_dropped"] = .int(collector.count - Self.maxAnswerItems) }
        let stopped: StreamStop
        if collector.overflowed {
            throw failure(.outputLimitExceeded, "Stream producer '\(tool.id)' wrote a line longer than \(invoker.config.plugins.maxOutputBytes) bytes (plugins.max_output_bytes) and was stopped", answer)
        } else if run.outcome.cancelled {
            stopped = .cancelled
        } else if collector.reachedMax {
            stopped = .maxItems
        } else if run.outcome.timedOut {
            guard endsByDuration else {
                throw failure(.timeout, "Stream producer '\(tool.id)' did not finish within its timeout of \((timeout ?? 0).compactText) s and was stopped (give it a duration within its timeout)", answer)
            }
            stopped = .duration
        } else if let hostError = run.hostError {
            throw failure(hostError.code, hostError.message.trimmingSuffix("."), answer)
        } else if run.exitCode != 0 {
            // Its stderr goes in `stderr`, which an HTTP caller is not shown (expose_plugin_details).
            var details = answer
            details["exit_code"] = .int(Int(run.exitCode))
            details["stderr"] = .string(String(decoding: run.outcome.stderr.suffix(4000), as: UTF8.self))
            throw failure(.pluginFailed, "Stream producer '\(tool.id)' exited with status \(run.exitCode)", details)
        } else {
            stopped = .ended
        }
        answer["stopped"] = .string(stopped.rawValue)
        return .answer(.object(answer))
    }

    /// An error whose details carry the items so far; the sentence says how many.
    private func failure(_ code: ErrorCode, _ sentence: String, _ answer: JSONObject) -> ToolHostError {
        var details = answer
        details["success"] = nil
        let count = answer["count"]?.integerValue ?? 0
        return ToolHostError(code, "\(sentence), after \(count) item\(count == 1 ? "" : "s").", details: details)
    }

    /// Where the items are published, when streaming is on; a Redis that cannot be reached
    /// costs a warning, not the run.
    private func publisher(for tool: ToolDefinition, warn: @Sendable (String) -> Void) -> (any StreamItemPublisher)? {
        guard let broker = invoker.handlers.streams else { return nil }
        do {
            return try broker.publisher(toolID: tool.id, config: invoker.config)
        } catch {
            warn("stream producer '\(tool.id)': its items are not published: \(error.message)")
            return nil
        }
    }
}

extension String {
    /// The text without `suffix` at its end, when it has it.
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
