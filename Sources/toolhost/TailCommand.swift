#if canImport(Glibc)
import Glibc
#endif
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
            --from-start. If Redis goes away, tail waits and reconnects.

            Examples:
              toolhost tail
              toolhost tail tool_executions --from-start --count 10
            """
    )

    @Argument(help: ArgumentHelp("Which data types to follow (default: all).", valueName: "data-type"))
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
        if !config.streaming.isEnabled {
            Console.warn("streaming.backend is none: rows are not being published; set it to redis (or TOOLHOST_STREAMING_BACKEND=redis)")
        }
        let outbox = StreamOutbox(settings: config.streaming)
        let keys = types.map(outbox.key(for:))
        var printed = 0
        var follower: StreamFollower?
        var positions: [(key: String, lastID: String)]?  // kept across reconnects
        var outage: String?
        var idleSince = MonotonicClock.now()
        while count.map({ printed < $0 }) ?? true {
            do throws(RedisError) {
                if follower == nil {
                    let redis = try outbox.connectRedis()
                    follower = if let positions {
                        StreamFollower(redis: redis, resumingFrom: positions)
                    } else {
                        try StreamFollower(redis: redis, keys: keys, fromStart: fromStart)
                    }
                    positions = follower?.positions
                    if outage != nil { Console.warn("reconnected to Redis") }
                    outage = nil
                }
                let wait = idleTimeout.map { max($0 - (MonotonicClock.now() - idleSince), 0.001) } ?? 0
                let entries = try follower?.next(blockSeconds: wait, count: count.map { min($0 - printed, 100) } ?? 100) ?? []
                positions = follower?.positions
                for entry in entries {
                    Console.printJSON(entry.json)
                    printed += 1
                }
                if !entries.isEmpty {
                    idleSince = MonotonicClock.now()
                } else if let idleTimeout, MonotonicClock.now() - idleSince >= idleTimeout {
                    break
                }
            } catch {
                follower = nil
                if outage == nil { Console.warn("\(error.description); retrying every second") }
                outage = error.description
                if let idleTimeout, MonotonicClock.now() - idleSince >= idleTimeout {
                    throw Console.fail(ToolHostError(.streamUnavailable, "Redis stayed unavailable: \(error.description)."))
                }
                sleep(1)
            }
        }
    }
}
