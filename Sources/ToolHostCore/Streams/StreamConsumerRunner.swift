/// Runs a `type: stream_consumer` tool: reads items from its source (a stream producer run
/// through the invoker, or a Redis stream), and gives each item that passes its filter to its
/// tool, one ordinary `ToolInvoker.invoke` per item (pinning, policy, validation, timeout and
/// a record each, exactly as a caller's own call).
///
/// Answer: `{"success": true, "read", "filtered_out", "succeeded", "failed", "stopped",
/// "results": [{"index", "status": "ok"|"failed", "output", "error"?, "error_code"?}]}` (the
/// first `maxAnswerResults`). A failing item is counted and the run goes on; a source that
/// fails ends the run with its error and the counts so far.
struct StreamConsumerRunner {
    let invoker: ToolInvoker

    static let maxAnswerResults = 1000

    /// How long a read of a Redis stream waits before the run looks at its cancellation and
    /// its deadline again.
    static let redisWaitSeconds = 0.25

    func run(_ tool: ToolDefinition, input: JSONObject, options: ToolInvoker.Options) -> ToolInvoker.Result {
        do {
            return try runChecked(tool, input: input, options: options)
        } catch {
            return .failure(error)
        }
    }

    private func runChecked(_ tool: ToolDefinition, input: JSONObject, options: ToolInvoker.Options) throws(ToolHostError) -> ToolInvoker.Result {
        let chain = options.workflowChain
        try WorkflowRunner.checkNesting(of: tool, kind: "Stream consumer", chain: chain)
        let (decoded, diagnostics) = StreamConsumerSpec.decode(tool.document)
        guard let spec = decoded else {
            let first = diagnostics.first { $0.severity == .error }?.message ?? "its consumer block is unusable"
            throw ToolHostError(.invalidStream, "Stream consumer '\(tool.id)' cannot run: \(first) (toolhost validate lists every problem).")
        }
        let bounds = try spec.bounds.applying(input: input, caller: options.stream, tool: tool.id)
        try bounds.requireBounded(unless: options.stream.mayRunUnbounded, kind: "stream consumer", tool: tool.id)
        // Found before the first item is read: a typo must not consume a stream for nothing.
        let target: ToolDefinition
        do {
            target = try invoker.resolve(spec.tool)
        } catch {
            throw ToolHostError(error.code, "Stream consumer '\(tool.id)' cannot give its items to '\(spec.tool)': \(error.message)")
        }

        let started = MonotonicClock.now()
        let timeout = options.timeoutSeconds
        // The duration bounds the reading; an item read in time is still processed, within
        // the call's timeout (its own tool's timeout otherwise).
        let deadline = started + min(bounds.durationSeconds ?? .infinity, timeout ?? .infinity)
        let callDeadline = started + (timeout ?? .infinity)
        let tally = StreamTally(keptResults: Self.maxAnswerResults)
        let process: @Sendable (JSONValue) -> Void = { item in
            // Once cancelled, items still in the producer's pipe are not read: their calls
            // would only be refused.
            if options.cancellation?.isCancelled == true { return }
            let outcome = handle(item, index: tally.read, spec: spec, target: target, consumerInput: input, deadline: callDeadline,
                                 options: options, chain: chain + [tool.id], tally: tally)
            if let outcome { options.stream.onItem?(outcome) }
        }

        let stopped: StreamStop
        switch spec.source {
        case .tool(let id, let sourceInput):
            stopped = try readProducer(id, input: sourceInput, consumer: tool, bounds: bounds, options: options, chain: chain + [tool.id],
                                       process: process, tally: tally)
        case .redis(let key, let from):
            stopped = try readRedis(key, from: from, consumer: tool, bounds: bounds, deadline: deadline, options: options,
                                    process: process, tally: tally)
        }
        if stopped == .duration, let duration = bounds.durationSeconds, let timeout, timeout < duration {
            throw ToolHostError(.timeout, "Stream consumer '\(tool.id)' did not finish within its timeout of \(timeout.compactText) s and was stopped.",
                                details: tally.answer)
        }
        var answer: JSONObject = ["success": true]
        for (key, value) in tally.answer { answer[key] = value }
        answer["stopped"] = .string(stopped.rawValue)
        return .answer(.object(answer))
    }

    /// One item: filtered, mapped, given to the tool. Nil when the filter dropped it.
    private func handle(_ item: JSONValue, index: Int, spec: StreamConsumerSpec, target: ToolDefinition, consumerInput: JSONObject,
                        deadline: Double, options: ToolInvoker.Options, chain: [String], tally: StreamTally) -> JSONValue? {
        tally.countRead()
        guard spec.filter.matches(item) else {
            tally.countFilteredOut()
            return nil
        }
        var result: JSONObject = ["index": .int(index)]
        let callInput: JSONObject
        do throws(WorkflowTemplate.Unresolved) {
            callInput = try Self.input(for: item, mapping: spec.input, consumerInput: consumerInput)
        } catch {
            result["status"] = "failed"
            result["error"] = .string("The item's input placeholder '{{\(error.path)}}' leads nowhere: \(error.reason).")
            result["error_code"] = .string(ErrorCode.invalidInput.rawValue)
            tally.record(.object(result), succeeded: false)
            return .object(result)
        }
        var itemOptions = options
        itemOptions.stream = StreamCallOptions()
        itemOptions.workflowChain = chain
        itemOptions.confirmation = nil  // a person who confirmed the consumer did not confirm each item
        let remaining = deadline - MonotonicClock.now()
        let own = invoker.config.plugins.timeoutSeconds(of: target)
        itemOptions.timeoutSeconds = remaining.isFinite ? max(min(remaining, own), 0.001) : options.timeoutSeconds.map { min($0, own) }
        let outcome = WorkflowStepOutcome(invoker.invoke(target, input: callInput, options: itemOptions))
        result["status"] = outcome.error == nil ? "ok" : "failed"
        result["output"] = outcome.output
        if let error = outcome.error {
            result["error"] = .string(error.message)
            result["error_code"] = .string(error.code.rawValue)
        }
        tally.record(.object(result), succeeded: outcome.error == nil)
        return .object(result)
    }

    /// The tool's input for `item`: the mapping resolved over `item` and the consumer's
    /// `input`, else an object item as is, else `{"item": item}`.
    static func input(for item: JSONValue, mapping: JSONObject?, consumerInput: JSONObject) throws(WorkflowTemplate.Unresolved) -> JSONObject {
        guard let mapping else { return item.objectValue ?? ["item": item] }
        let scope: JSONObject = ["item": item, "input": .object(consumerInput)]
        var resolved = JSONObject(capacity: mapping.count)
        for (key, value) in mapping { resolved[key] = try WorkflowTemplate.resolve(value, in: scope) }
        return resolved
    }

    // MARK: Sources

    /// Runs the producer for this call, with the consumer's bounds; each item is handled as it
    /// comes (the producer waits meanwhile: its pipe fills, nothing is lost).
    private func readProducer(_ id: String, input: JSONObject, consumer: ToolDefinition, bounds: StreamBounds,
                              options: ToolInvoker.Options, chain: [String], process: @escaping @Sendable (JSONValue) -> Void,
                              tally: StreamTally) throws(ToolHostError) -> StreamStop {
        let producer: ToolDefinition
        do {
            producer = try invoker.resolve(id)
        } catch {
            throw ToolHostError(error.code, "Stream consumer '\(consumer.id)' cannot read from '\(id)': \(error.message)")
        }
        guard producer.runner == .streamProducer else {
            throw ToolHostError(.invalidStream, "Stream consumer '\(consumer.id)' reads from '\(id)', which is not a stream producer (its type is \(producer.type)).")
        }
        var producerOptions = options
        producerOptions.workflowChain = chain
        producerOptions.confirmation = nil
        producerOptions.stream = StreamCallOptions(onItem: process, mayRunUnbounded: options.stream.mayRunUnbounded,
                                                   maxItems: bounds.maxItems, durationSeconds: bounds.durationSeconds)
        // The call's timeout and the consumer's duration go to the producer as they are (it
        // starts at once): it tells a duration's end from a timeout itself.
        switch invoker.invoke(producer, input: input, options: producerOptions) {
        case .answer(let answer):
            return answer["stopped"]?.stringValue.flatMap(StreamStop.init(rawValue:)) ?? .ended
        case .failure(let error):
            var details = tally.answer
            details["source_error"] = error.answer
            throw ToolHostError(error.code, "Stream consumer '\(consumer.id)' stopped: its source '\(id)' failed: \(error.message)", details: details)
        case .plugin(let run):  // a producer answers as a stream; kept for completeness
            return run.succeeded ? .ended : .cancelled
        }
    }

    /// Follows the Redis stream until the bounds or a cancellation; a Redis that cannot be
    /// reached, or that goes away, ends the run with `stream_unavailable`.
    private func readRedis(_ key: String, from: StreamPosition, consumer: ToolDefinition, bounds: StreamBounds, deadline: Double,
                           options: ToolInvoker.Options, process: @Sendable (JSONValue) -> Void,
                           tally: StreamTally) throws(ToolHostError) -> StreamStop {
        guard let broker = invoker.handlers.streams else {
            throw ToolHostError(.unsupportedToolType, "Stream consumer '\(consumer.id)' reads a Redis stream, and this ToolHost has no Redis client.")
        }
        let subscription: any StreamItemSubscription
        do {
            subscription = try broker.subscribe(key: key, from: from, config: invoker.config)
        } catch {
            throw ToolHostError(error.code, "Stream consumer '\(consumer.id)' cannot read the Redis stream \(key): \(error.message)", details: error.details)
        }
        while true {
            if options.cancellation?.isCancelled == true { return .cancelled }
            if let max = bounds.maxItems, tally.read >= max { return .maxItems }
            let remaining = deadline - MonotonicClock.now()
            if remaining <= 0 { return .duration }
            let items: [JSONValue]
            do {
                items = try subscription.next(waitSeconds: min(remaining, Self.redisWaitSeconds))
            } catch {
                throw ToolHostError(error.code, "Stream consumer '\(consumer.id)' lost the Redis stream \(key): \(error.message)", details: tally.answer)
            }
            for item in items {
                if let max = bounds.maxItems, tally.read >= max { return .maxItems }
                if options.cancellation?.isCancelled == true { return .cancelled }
                process(item)
            }
        }
    }
}
