#if canImport(Glibc)
import Glibc
#endif
import ToolHostCommandLine
import ToolHostCore
import ToolHostTools

/// One `toolhost run`: read the input, run the tool, print, exit.
///
/// Every tool call of an agent system goes through here, so the common command lines skip
/// ArgumentParser (`fastParse`): building its command tree by reflection cost twice the
/// host's own work for a trivial plugin. Anything unusual (help, errors, other spellings)
/// still goes through ArgumentParser; a test checks that both readings agree.
struct RunInvocation: Equatable {
    var tool: String
    var inputPath: String?
    var envelope = false
    var timeout: Double?
    var pretty = false
    var host = HostSelection()

    /// The arguments after `run`, read without ArgumentParser when they use only the plain
    /// forms (`--input F`, `--input=F`, `--timeout S`, `--envelope`, `--pretty`, `--config F`,
    /// `--tools-dir D`..., `--no-cache`, one tool id); nil for anything else.
    static func fastParse(_ arguments: [String]) -> RunInvocation? {
        var tool: String?
        var invocation = RunInvocation(tool: "")
        var index = 0
        func value(_ argument: String, _ name: String) -> String? {
            if argument.hasPrefix(name + "=") { return String(argument.dropFirst(name.count + 1)) }
            guard argument == name, index + 1 < arguments.count, !arguments[index + 1].hasPrefix("-") || arguments[index + 1] == "-" else { return nil }
            index += 1
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--envelope": invocation.envelope = true
            case "--pretty": invocation.pretty = true
            case "--no-cache": invocation.host.noCache = true
            default:
                if argument.hasPrefix("--input") {
                    guard let path = value(argument, "--input") else { return nil }
                    invocation.inputPath = path
                } else if argument.hasPrefix("--timeout") {
                    guard let text = value(argument, "--timeout"), let seconds = Double(text), seconds > 0, seconds.isFinite else { return nil }
                    invocation.timeout = seconds
                } else if argument.hasPrefix("--config") {
                    guard let path = value(argument, "--config") else { return nil }
                    invocation.host.configPath = path
                } else if argument.hasPrefix("--tools-dir") {
                    guard let directory = value(argument, "--tools-dir") else { return nil }
                    invocation.host.toolsDirectories.append(directory)
                } else if !argument.hasPrefix("-"), tool == nil {
                    tool = argument
                } else {
                    return nil
                }
            }
            index += 1
        }
        guard let tool else { return nil }
        invocation.tool = tool
        return invocation
    }

    func execute() -> Never {
        var invoker: ToolInvoker
        do {
            invoker = try host.invoker()
        } catch {
            answer(error.answer, exitCode: error.exitCode)  // no configuration: nowhere to record
        }
        invoker.recorder = HostRecorders.make(config: invoker.config)
        let definition: ToolDefinition
        let input: JSONObject
        do {
            definition = try invoker.resolve(tool)
            input = try InvocationInput.parse(try readInput(), source: inputPath.map { $0 == "-" ? "stdin" : $0 } ?? "stdin")
        } catch {
            // An unknown tool or unreadable input is a call too (an agent asking for a tool
            // that does not exist is worth knowing about): answered, then recorded.
            Console.printJSON(error.answer, pretty: pretty)
            Console.closeStandardOutput()
            invoker.recordRejected(toolID: tool, error: error, options: ToolInvoker.Options(warn: { Console.warn($0) }))
            Console.exit(error.exitCode)
        }
        // Plugin stderr goes to the terminal as it comes, except in the envelope, which carries it.
        let forwardStderr: (@Sendable (ArraySlice<UInt8>) -> Void)? = envelope ? nil : Console.writeToStandardError
        // A plugin, a custom tool's Python, a workflow's current step or a network tool's wait is stopped with the host:
        // on Ctrl-C, SIGTERM or SIGHUP, and by its watchdog if the host is killed outright.
        let cancellation: CallCancellation? = definition.runner.isInterruptible ? CallCancellation() : nil
        let stopSignals = cancellation.map { StopSignals(cancelling: $0) }
        var options = ToolInvoker.Options(timeoutSeconds: timeout, stderrObserver: forwardStderr,
                                          warn: { message in Console.warn(message) }, cancellation: cancellation,
                                          stopsPluginWithHost: true)
        // A stream is followed until it ends or Ctrl-C; a producer's items are printed as they come.
        options.stream.mayRunUnbounded = true
        // A traced caller (an agent that started this process) passes its span on, as
        // OpenTelemetry carries context in environment variables.
        options.traceParent = invoker.hostEnvironment["TRACEPARENT"].flatMap { SpanContext(traceparent: $0, tracestate: invoker.hostEnvironment["TRACESTATE"]) }
        let printsItems = definition.runner == .streamProducer
        if printsItems { options.stream.onItem = StreamLinePrinter.print }
        let isStream = printsItems || definition.runner == .streamConsumer
        var exitCode: Int32 = 0
        var cancelled = false
        invoker.invoke(definition, input: input, options: options) { result in
            exitCode = printsItems ? StreamLinePrinter.finish(result, tool: tool) : deliver(result)
            if case .plugin(let run) = result { cancelled = run.outcome.cancelled }
            if isStream, case .answer(let answer) = result, answer["stopped"] == "cancelled" { cancelled = true }
            // The answer is complete: a reader waiting for end of file need not wait for the
            // recording that follows.
            Console.closeStandardOutput()
        }
        // 128 + the signal only when it stopped the plugin (not one that came after its end).
        Console.exit(cancelled ? stopSignals?.signal.map { 128 + $0 } ?? exitCode : exitCode)
    }

    /// Writes the result as this command's answer; returns the exit status. A plugin's own
    /// stdout goes out byte for byte (ToolHost stands in for running the plugin directly);
    /// anything else is the JSON answer every front end gives (`InvocationAnswer`).
    private func deliver(_ result: ToolInvoker.Result) -> Int32 {
        if case .plugin(let run) = result, !envelope, run.hostError == nil {
            // --pretty indents a plugin's JSON answer too; anything else goes out as it came.
            if pretty, let value = try? JSONParser.parse(run.outcome.stdout) {
                Console.printJSON(value, pretty: true)
            } else {
                Console.write(run.outcome.stdout)
            }
            return run.exitCode
        }
        let answer = InvocationAnswer(result, envelope: envelope)
        Console.printJSON(answer.value, pretty: pretty)
        return answer.exitCode
    }

    /// Prints the JSON answer and exits with `exitCode`.
    private func answer(_ value: JSONValue, exitCode: Int32) -> Never {
        Console.printJSON(value, pretty: pretty)
        Console.exit(exitCode)
    }

    private func readInput() throws(ToolHostError) -> [UInt8] {
        if let path = inputPath, path != "-" {
            do {
                return try FileIO.read(path)
            } catch {
                throw ToolHostError(.ioError, "Cannot read the input file \(path): \(error.reason).")
            }
        }
        if Console.isStandardInputATerminal {
            Console.print("toolhost: reading the JSON input for '\(tool)' from the terminal; end it with Ctrl-D", to: STDERR_FILENO)
        }
        do {
            return try FileIO.readAll(descriptor: STDIN_FILENO)
        } catch {
            throw ToolHostError(.ioError, "Cannot read stdin: \(error.reason).")
        }
    }
}
