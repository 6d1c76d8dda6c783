import ArgumentParser
import ToolHostCommandLine
import ToolHostCore

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a tool call in-process: latency percentiles over many iterations.",
        discussion: """
            Runs the tool the way `toolhost run` does (validation, handler or plugin) but inside \
            one process, so start-up is not measured. Inputs come from --input (one JSON object) \
            or --inputs (JSON lines, used in turn). Prints {iterations, failures, p50_ms, p95_ms, \
            p99_ms, mean_ms, min_ms, max_ms}. Benchmarks/ has the scripts that use it.
            """
    )

    @Argument(help: "The tool id.", completion: ToolCompletion.toolIDs)
    var tool: String

    @Option(name: .long, help: ArgumentHelp("One JSON input object.", valueName: "file"), completion: .file())
    var input: String?

    @Option(name: .long, help: ArgumentHelp("JSON lines, one input per line, used in turn.", valueName: "file"), completion: .file())
    var inputs: String?

    @Option(name: .long, help: "Measured iterations.")
    var iterations = 1000

    @Option(name: .long, help: "Unmeasured iterations first (connections, caches).")
    var warmup = 20

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (input == nil) != (inputs == nil) else { throw ValidationError("Give exactly one of --input and --inputs.") }
        guard iterations > 0, warmup >= 0 else { throw ValidationError("--iterations must be positive and --warmup not negative.") }
    }

    func run() throws {
        let invoker: ToolInvoker
        let definition: ToolDefinition
        var requests: [JSONObject] = []
        do {
            invoker = try global.invoker()
            definition = try invoker.resolve(tool)
            if let input {
                requests = [try InvocationInput.parse(try read(input), source: input)]
            } else if let inputs {
                for line in try read(inputs).split(separator: 0x0A) where !line.isBlankJSONText {
                    requests.append(try InvocationInput.parse(Array(line), source: inputs))
                }
            }
        } catch {
            throw Console.fail(error)
        }
        guard !requests.isEmpty else { throw Console.fail(ToolHostError(.invalidInput, "--inputs has no input lines.")) }

        var failures = 0
        var firstFailure: JSONValue?
        var samples: [Double] = []
        samples.reserveCapacity(iterations)
        for iteration in 0..<(warmup + iterations) {
            let request = requests[iteration % requests.count]
            let started = MonotonicClock.now()
            let result = invoker.invoke(definition, input: request)
            let elapsed = (MonotonicClock.now() - started) * 1000
            if iteration >= warmup { samples.append(elapsed) }
            if !result.succeeded {
                failures += 1
                if firstFailure == nil { firstFailure = InvocationAnswer(result, envelope: true).value }
            }
        }
        var report: JSONObject = ["tool": .string(tool), "iterations": .int(iterations), "failures": .int(failures)]
        // Never nil: `validate` made sure there is at least one iteration.
        for (key, value) in LatencySummary(milliseconds: samples)?.json ?? [:] { report[key] = value }
        if let firstFailure { report["first_failure"] = firstFailure }
        Console.printJSON(.object(report))
        if failures > 0 { Console.exit(1) }
    }

    private func read(_ path: String) throws(ToolHostError) -> [UInt8] {
        do {
            return try FileIO.read(path)
        } catch {
            throw ToolHostError(.ioError, "Cannot read \(path): \(error.reason).")
        }
    }
}
