#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What a span is to the back end that receives it (OTLP's `SpanKind`).
public enum SpanKind: UInt8, Sendable {
    /// Work inside ToolHost: a tool call (`execute_tool`), a workflow step.
    case `internal` = 1
    /// A request ToolHost serves: an HTTP request, an MCP request.
    case server = 2
    /// A request ToolHost makes: a database statement, an HTTP call out.
    case client = 3
}

/// An attribute's value: the scalar types OTLP carries (no span of ToolHost's has a list).
public enum SpanValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
}

/// A span once it ended: what an exporter sends.
public struct FinishedSpan: Sendable {
    public enum Status: Sendable, Equatable {
        case unset
        case error(message: String)
    }

    public let name: String
    public let kind: SpanKind
    public let context: SpanContext
    /// Nil for the first span of a trace.
    public let parentSpanID: UInt64?
    public let startNanoseconds: UInt64
    public var endNanoseconds: UInt64
    /// In the order they were set; a key set twice keeps its last value.
    public var attributes: [(key: String, value: SpanValue)]
    public var status: Status
}

/// One unit of work being timed: started by `Tracer.startSpan`, given attributes while it
/// runs, exported once by `end()`. Safe to use from the thread that finishes the work while
/// another one set it up (the lock is only ever taken for a moment).
public final class Span: Sendable {
    public let context: SpanContext
    private let state: Mutex<FinishedSpan?>
    private let exporter: any SpanExporter

    init(name: String, kind: SpanKind, context: SpanContext, parentSpanID: UInt64?, exporter: any SpanExporter) {
        self.context = context
        self.exporter = exporter
        state = Mutex(FinishedSpan(name: name, kind: kind, context: context, parentSpanID: parentSpanID,
                                   startNanoseconds: WallClock.nanoseconds(), endNanoseconds: 0, attributes: [], status: .unset))
    }

    /// Sets `key` (a later value replaces an earlier one); nil sets nothing.
    public func set(_ key: String, _ value: SpanValue?) {
        guard let value else { return }
        state.withLock { span in
            guard span != nil else { return }
            if let index = span?.attributes.firstIndex(where: { $0.key == key }) {
                span?.attributes[index].value = value
            } else {
                span?.attributes.append((key, value))
            }
        }
    }

    public func set(_ key: String, _ text: String?) { set(key, text.map(SpanValue.string)) }

    public func set(_ key: String, _ number: Int?) { set(key, number.map { SpanValue.int(Int64($0)) }) }

    /// Marks the span failed: `error.type` (a stable code: ToolHost's error code, an SQLSTATE,
    /// an HTTP status) and the status message (a sentence).
    public func fail(type: String, message: String) {
        set("error.type", .string(type))
        state.withLock { $0?.status = .error(message: message) }
    }

    /// Ends the span and hands it to the exporter (when its trace is sampled). Only the first
    /// call counts.
    public func end() {
        let finished: FinishedSpan? = state.withLock { span in
            defer { span = nil }
            span?.endNanoseconds = WallClock.nanoseconds()
            return span
        }
        if let finished, context.isSampled { exporter.export(finished) }
    }
}

/// Where finished spans go: a batching OTLP exporter in ToolHost's executables (`OTLPExporter`,
/// ToolHostNetwork). `export` is called on the thread that ended the span and must not block.
public protocol SpanExporter: Sendable {
    func export(_ span: FinishedSpan)
    /// Sends what is queued and waits for it, at most `timeoutSeconds`: before a process exits.
    func flush(timeoutSeconds: Double)
    /// Spans the back end accepted, and spans lost on the way, so far (`/metrics`).
    var counts: (sent: Int, lost: Int) { get }
}

/// The wall clock in nanoseconds since 1970, as OTLP wants span times.
enum WallClock {
    static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
