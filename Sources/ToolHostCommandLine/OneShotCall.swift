import ToolHostCore

/// One call as `toolhost run` makes it: what the caller asked, beyond the input itself.
public struct OneShotRequest: Sendable, Equatable {
    public var tool: String
    /// Where the input came from, for error sentences: `stdin` or the `--input` file.
    public var inputSource: String
    public var envelope = false
    public var pretty = false
    public var timeoutSeconds: Double?
    /// The caller's `TOOLHOST_AGENT_ID`, `TRACEPARENT` and `TRACESTATE`.
    public var agentID: String?
    public var traceParent: String?
    public var traceState: String?

    public init(tool: String, inputSource: String) {
        self.tool = tool
        self.inputSource = inputSource
    }
}

/// Where a one-shot call's output goes: this process's stdout and stderr (`toolhost run`), or
/// the socket of the `toolhost run` that handed the call to a server.
public struct OneShotOutput: Sendable {
    public var write: @Sendable ([UInt8]) -> Void
    /// The answer is complete: a reader waiting for end of file need not wait for the
    /// recording that follows.
    public var closeStdout: @Sendable () -> Void
    public var warn: @Sendable (String) -> Void

    public init(write: @escaping @Sendable ([UInt8]) -> Void, closeStdout: @escaping @Sendable () -> Void,
                warn: @escaping @Sendable (String) -> Void) {
        self.write = write
        self.closeStdout = closeStdout
        self.warn = warn
    }

    public static let console = OneShotOutput(write: { Console.write($0) }, closeStdout: Console.closeStandardOutput,
                                              warn: { Console.warn($0) })
}

/// The one sequence of a `toolhost run` call — resolve, read the input, run, answer, close
/// stdout, record — shared by the in-process path and a server running a handed-off call, so
/// that the two print the same bytes and leave the same records.
public enum OneShotCall {
    /// How the call ended; `result` is nil for a call refused before it ran (an unknown tool,
    /// unreadable input).
    public struct Ending {
        public let exitCode: Int32
        public let result: ToolInvoker.Result?
        /// Why the call was refused before it ran (then `result` is nil).
        public let refusal: ToolHostError?

        /// The answer as the long-lived front ends count it.
        public func answer(envelope: Bool) -> InvocationAnswer {
            if let result { return InvocationAnswer(result, envelope: envelope) }
            return InvocationAnswer(refusal ?? ToolHostError(.internalError, "The call produced no result."))
        }
    }

    /// Prints its answer on stdout and returns the exit status (a stream producer's summary).
    public typealias Delivery = (ToolInvoker.Result) -> Int32

    /// `prepare` sees the resolved tool and adds what only a terminal caller can (plugin stderr,
    /// stop signals, a stream's printer); it may return a delivery of its own.
    public static func run(_ request: OneShotRequest, invoker: ToolInvoker, output: OneShotOutput,
                           readInput: () throws(ToolHostError) -> [UInt8],
                           prepare: (ToolDefinition, inout ToolInvoker.Options) -> Delivery? = { _, _ in nil }) -> Ending {
        var options = ToolInvoker.Options(timeoutSeconds: request.timeoutSeconds, warn: output.warn)
        options.agentID = request.agentID
        // A traced caller (an agent that started `toolhost run`) passes its span on, as
        // OpenTelemetry carries context in environment variables.
        options.traceParent = request.traceParent.flatMap { SpanContext(traceparent: $0, tracestate: request.traceState) }
        let definition: ToolDefinition
        let input: JSONObject
        do {
            definition = try invoker.resolve(request.tool)
            input = try InvocationInput.parse(try readInput(), source: request.inputSource)
        } catch {
            // An unknown tool or unreadable input is a call too (an agent asking for a tool
            // that does not exist is worth knowing about): answered, then recorded.
            output.write(answerLine(error.answer, pretty: request.pretty))
            output.closeStdout()
            invoker.recordRejected(toolID: request.tool, error: error, options: options)
            return Ending(exitCode: error.exitCode, result: nil, refusal: error)
        }
        let delivery = prepare(definition, &options)
        var exitCode: Int32 = 0
        var delivered: ToolInvoker.Result?
        invoker.invoke(definition, input: input, options: options) { result in
            exitCode = delivery?(result) ?? deliver(result, request: request, output: output)
            delivered = result
            output.closeStdout()
        }
        return Ending(exitCode: exitCode, result: delivered, refusal: nil)
    }

    /// Writes the result as the call's answer; returns the exit status. A plugin's own stdout
    /// goes out byte for byte (ToolHost stands in for running the plugin directly); anything
    /// else is the JSON answer every front end gives (`InvocationAnswer`).
    private static func deliver(_ result: ToolInvoker.Result, request: OneShotRequest, output: OneShotOutput) -> Int32 {
        if case .plugin(let run) = result, !request.envelope, run.hostError == nil {
            // --pretty indents a plugin's JSON answer too; anything else goes out as it came.
            if request.pretty, let value = try? JSONParser.parse(run.outcome.stdout) {
                output.write(answerLine(value, pretty: true))
            } else {
                output.write(run.outcome.stdout)
            }
            return run.exitCode
        }
        let answer = InvocationAnswer(result, envelope: request.envelope)
        output.write(answerLine(answer.value, pretty: request.pretty))
        return answer.exitCode
    }

    /// A JSON answer as `toolhost run` prints it: one value and a newline.
    public static func answerLine(_ value: JSONValue, pretty: Bool) -> [UInt8] {
        var bytes = JSONWriter.bytes(value, style: pretty ? .pretty : .compact)
        bytes.append(0x0A)
        return bytes
    }
}
