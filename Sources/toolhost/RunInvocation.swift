#if canImport(Glibc)
import Glibc
#endif
import ToolHostCommandLine
import ToolHostCore
import ToolHostStorage
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
        let config: HostConfig
        do {
            config = try host.loadConfig()
        } catch {
            answer(error.answer, exitCode: error.exitCode)  // no configuration: nowhere to record
        }
        let environment = ProcessEnvironment.current()
        let input = InputOnce { () throws(ToolHostError) in try readInput() }
        var request = OneShotRequest(tool: tool, inputSource: inputPath.map { $0 == "-" ? "stdin" : $0 } ?? "stdin")
        request.envelope = envelope
        request.pretty = pretty
        request.timeoutSeconds = timeout
        request.agentID = environment["TOOLHOST_AGENT_ID"]
        request.traceParent = environment["TRACEPARENT"]
        request.traceState = environment["TRACESTATE"]
        if let exitCode = handOff(request, config: config, environment: environment, input: input) { Console.exit(exitCode) }
        // On PostgreSQL, loading libpq and starting a backend take longer than the rest of the
        // call: begun now, on another thread, they overlap reading the catalogue and the input.
        if config.database.kind == .postgres { Database.shared(for: config.database).openAhead() }
        var invoker: ToolInvoker
        do {
            invoker = try host.invoker(config: config)
        } catch {
            answer(error.answer, exitCode: error.exitCode)
        }
        invoker.recorder = HostRecorders.make(config: invoker.config)
        var stopSignals: StopSignals?
        var isStream = false
        let ending = OneShotCall.run(request, invoker: invoker, output: .console, readInput: input.bytes) { definition, options in
            // Plugin stderr goes to the terminal as it comes, except in the envelope, which carries it.
            options.stderrObserver = envelope ? nil : Console.writeToStandardError
            // A plugin, a custom tool's Python, a workflow's current step or a network tool's wait is stopped with the host:
            // on Ctrl-C, SIGTERM or SIGHUP, and by its watchdog if the host is killed outright.
            let cancellation: CallCancellation? = definition.runner.isInterruptible ? CallCancellation() : nil
            stopSignals = cancellation.map { StopSignals(cancelling: $0) }
            options.cancellation = cancellation
            options.stopsPluginWithHost = true
            // A stream is followed until it ends or Ctrl-C; a producer's items are printed as they come.
            options.stream.mayRunUnbounded = true
            let printsItems = definition.runner == .streamProducer
            isStream = printsItems || definition.runner == .streamConsumer
            guard printsItems else { return nil }
            options.stream.onItem = StreamLinePrinter.print
            return { result in StreamLinePrinter.finish(result, tool: tool) }
        }
        var cancelled = false
        if case .plugin(let run)? = ending.result { cancelled = run.outcome.cancelled }
        if isStream, case .answer(let answer)? = ending.result, answer["stopped"] == "cancelled" { cancelled = true }
        // 128 + the signal only when it stopped the plugin (not one that came after its end).
        Console.exit(cancelled ? stopSignals?.signal.map { 128 + $0 } ?? ending.exitCode : ending.exitCode)
    }

    /// Runs the call in a `toolhost serve` of the same configuration, when one is running and
    /// the call is a built-in tool's (README "Hand-off"): no database connection to open, no
    /// library to load. Nil: run it here (`TOOLHOST_HAND_OFF=require` makes that an error).
    private func handOff(_ request: OneShotRequest, config: HostConfig, environment: [String: String], input: InputOnce) -> Int32? {
        let mode = HandOffMode.from(environment, warn: Console.warn)
        guard mode != .off else { return nil }
        let reason: String
        if BuiltinHandlers.tools.contains(where: { $0.id == tool }) {
            let identity = HandOffIdentity(selection: host, config: config, environment: environment)
            switch HandOffClient.call(request, identity: identity, input: input.bytes) {
            case .finished(let exitCode): return exitCode
            case .notTaken(let why): reason = why
            }
        } else {
            // Plugins inherit the caller's environment and working directory: they run here.
            reason = "only built-in tools are handed off, and '\(tool)' is not one"
        }
        guard mode == .require else { return nil }
        let error = ToolHostError(.handOffUnavailable, "\(HandOffMode.variable)=require, and the call was not handed off: \(reason).")
        Console.printJSON(error.answer, pretty: pretty)
        return error.exitCode
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

/// The input, read at most once: the hand-off sends it, and a call run here after a declined
/// hand-off reads the same bytes (stdin cannot be read twice).
private final class InputOnce {
    private let read: () throws(ToolHostError) -> [UInt8]
    private var result: Result<[UInt8], ToolHostError>?

    init(_ read: @escaping () throws(ToolHostError) -> [UInt8]) { self.read = read }

    func bytes() throws(ToolHostError) -> [UInt8] {
        let outcome = result ?? Result { () throws(ToolHostError) in try read() }
        result = outcome
        return try outcome.get()
    }
}
