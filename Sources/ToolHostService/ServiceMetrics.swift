import Synchronization
import ToolHostCore
import ToolHostStorage

/// What a long-lived ToolHost counts about its calls, rendered in Prometheus' text format by
/// `GET /metrics`: calls by tool and outcome, a duration histogram per tool, plugin timeouts,
/// and the calls running now. Counting is one short lock per call.
public final class ServiceMetrics: Sendable {
    /// The tool label of calls whose id names no tool.
    public static let unknownToolLabel = "(unknown)"
    /// Upper bounds (seconds) of the duration histogram's buckets: 1 ms to 1 min.
    public static let bucketBounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    private struct PerTool {
        var outcomes: [String: Int] = [:]
        var bucketCounts = [Int](repeating: 0, count: ServiceMetrics.bucketBounds.count)
        var count = 0
        var sum = 0.0
        var timeouts = 0
    }

    private struct State: ~Copyable {
        var tools: [String: PerTool] = [:]
        var inFlight = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// A call began (it counts as in flight until `finished`).
    public func started() {
        state.withLock { $0.inFlight += 1 }
    }

    /// A call ended with `answer` after `seconds`.
    public func finished(tool: String, answer: InvocationAnswer, seconds: Double) {
        let outcome = CallOutcome(answer.errorCode)
        state.withLock { state in
            state.inFlight -= 1
            var entry = state.tools[tool] ?? PerTool()
            entry.outcomes[outcome.rawValue, default: 0] += 1
            entry.count += 1
            entry.sum += seconds
            if let bucket = Self.bucketBounds.firstIndex(where: { seconds <= $0 }) { entry.bucketCounts[bucket] += 1 }
            if answer.errorCode == .timeout { entry.timeouts += 1 }
            state.tools[tool] = entry
        }
    }

    /// Calls running now.
    public var inFlight: Int { state.withLock { $0.inFlight } }

    /// Calls of `tool` that ended with `outcome` so far.
    public func count(tool: String, outcome: CallOutcome) -> Int {
        state.withLock { $0.tools[tool]?.outcomes[outcome.rawValue] ?? 0 }
    }

    /// The exposition text; `gauges` are extra single values measured at scrape time
    /// (name, help, value: nil when it could not be measured, which omits the sample).
    /// `counters` and `gauges`: values kept elsewhere (the trace exporter's, the database's),
    /// each written with its help and type.
    public func prometheusText(counters: [(name: String, help: String, value: Double)] = [],
                               gauges: [(name: String, help: String, value: Double?)] = []) -> String {
        let (tools, inFlight) = state.withLock { ($0.tools, $0.inFlight) }
        let names = tools.keys.sorted()
        var text = ""
        func header(_ name: String, _ type: String, _ help: String) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        header("toolhost_invocations_total", "counter", "Tool calls by tool and outcome.")
        for name in names {
            for (outcome, count) in tools[name]!.outcomes.sorted(by: { $0.key < $1.key }) {
                text += "toolhost_invocations_total{tool=\"\(Self.escape(name))\",outcome=\"\(outcome)\"} \(count)\n"
            }
        }
        header("toolhost_invocation_duration_seconds", "histogram", "Time from request to answer, by tool.")
        for name in names {
            let entry = tools[name]!
            let label = "tool=\"\(Self.escape(name))\""
            var cumulative = 0
            for (index, bound) in Self.bucketBounds.enumerated() {
                cumulative += entry.bucketCounts[index]
                text += "toolhost_invocation_duration_seconds_bucket{\(label),le=\"\(bound.compactText)\"} \(cumulative)\n"
            }
            text += "toolhost_invocation_duration_seconds_bucket{\(label),le=\"+Inf\"} \(entry.count)\n"
            text += "toolhost_invocation_duration_seconds_sum{\(label)} \(entry.sum)\n"
            text += "toolhost_invocation_duration_seconds_count{\(label)} \(entry.count)\n"
        }
        header("toolhost_plugin_timeouts_total", "counter", "Calls stopped because they passed their timeout, by tool.")
        for name in names where tools[name]!.timeouts > 0 {
            text += "toolhost_plugin_timeouts_total{tool=\"\(Self.escape(name))\"} \(tools[name]!.timeouts)\n"
        }
        header("toolhost_invocations_in_flight", "gauge", "Calls running now.")
        text += "toolhost_invocations_in_flight \(inFlight)\n"
        for counter in counters {
            header(counter.name, "counter", counter.help)
            text += "\(counter.name) \(counter.value.compactText)\n"
        }
        for gauge in gauges {
            header(gauge.name, "gauge", gauge.help)
            if let value = gauge.value { text += "\(gauge.name) \(value.compactText)\n" }
        }
        return text
    }

    /// Label values escape backslash, quote and newline (the exposition format's rule).
    private static func escape(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

/// How a call ended, in the few classes a caller acts on differently (metrics label, HTTP status).
public enum CallOutcome: String, Sendable, CaseIterable {
    case success
    /// The input or request was not JSON, broke the schema or the request's form, named no
    /// operation of the tool, asked a stream tool for an unbounded answer, or sent SQL the
    /// database refused for what it says (`sql_rejected`), or audio that cannot be analysed.
    case invalidInput = "invalid_input"
    /// No tool has that id (or a record the call asked for does not exist).
    case notFound = "not_found"
    case timeout
    case cancelled
    /// Refused at once: too many calls were waiting (`service.max_queued_calls`).
    case overloaded
    /// Anything else: a plugin that failed, a database that could not be reached...
    case error

    public init(_ code: ErrorCode?) {
        switch code {
        case nil: self = .success
        // A served stream call without a bound is the request's mistake, like a bad field.
        // A filter on a column a query cannot filter on, a table or column that does not
        // exist, SQL the database refused for what it says: the request's mistakes too.
        case .invalidJSON?, .invalidInput?, .invalidRequest?, .unknownOperation?, .streamUnbounded?, .invalidFilter?, .unknownIdentifier?,
             .sqlRejected?, .invalidAudio?, .unsupportedAudio?: self = .invalidInput
        case .unknownTool?, .notFound?: self = .notFound
        case .timeout?: self = .timeout
        case .cancelled?: self = .cancelled
        case .overloaded?: self = .overloaded
        default: self = .error
        }
    }
}
