import ArgumentParser
import ToolHostCommandLine
import ToolHostCore
import ToolHostNetwork
import ToolHostStorage
import ToolHostTools

struct TailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Follow the live stream of stored training rows and print them as JSON lines.",
        discussion: """
            Reads the Redis streams that training rows are published to (streaming.url, \
            streaming.stream_prefix; keys <prefix>:<data_type>). Each line is \
            {"stream", "id", "data_type", "row_id", "row"}. Without DATA_TYPE all four types are \
            followed. Starts with rows published from now on, or from the oldest kept with \
            --from-start. If Redis goes away, tail waits and reconnects. With streaming off \
            (streaming.backend: none) it exits at once with status 1 (stream_unavailable).

            Examples:
              toolhost tail
              toolhost tail tool_executions --from-start --count 10
            """
    )

    @Argument(help: ArgumentHelp("Which data types to follow (default: all).", valueName: "data-type"), completion: ToolCompletion.dataTypes)
    var dataTypes: [String] = []

    @Flag(name: .long, help: "Begin with the oldest rows the streams keep.")
    var fromStart = false

    @Option(name: .long, help: "Stop after this many rows.")
    var count: Int?

    @Option(name: .long, help: ArgumentHelp("Stop after this many seconds without a new row.", valueName: "seconds"))
    var idleTimeout: Double?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let count, count <= 0 { throw ValidationError("--count must be positive.") }
        if let idleTimeout, !(idleTimeout > 0) { throw ValidationError("--idle-timeout must be positive.") }
    }

    func run() throws {
        let config: HostConfig
        var types: [TrainingDataType] = []
        do throws(ToolHostError) {
            config = try global.loadConfig()
            for name in dataTypes {
                let type = try TrainingDataType.named(name)
                if !types.contains(type) { types.append(type) }
            }
        } catch {
            throw Console.fail(error)
        }
        if types.isEmpty { types = TrainingDataType.allCases }
        // With streaming off no Redis is configured to wait for: say so at once.
        if !config.streaming.isEnabled {
            throw Console.fail(ToolHostError(.streamUnavailable,
                                             "Streaming is off (streaming.backend is none), so there is no stream to tail; set streaming.backend: redis (or TOOLHOST_STREAMING_BACKEND=redis) and run again."))
        }
        let outbox = StreamOutbox(settings: config.streaming)
        let tail = StreamTail(keys: types.map(outbox.key(for:)), fromStart: fromStart, count: count, idleTimeout: idleTimeout,
                              connect: outbox.connectRedis, warn: Console.warn)
        do throws(RedisError) {
            try tail.run { Console.printJSON($0.json) }
        } catch {
            throw Console.fail(ToolHostError(.streamUnavailable, "Redis stayed unavailable: \(error.description)."))
        }
    }
}
