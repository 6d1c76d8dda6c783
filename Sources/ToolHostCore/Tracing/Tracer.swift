import Synchronization

/// Makes the spans of this process, once installed (`Tracer.install`, by the executables when
/// `tracing.endpoint` is configured). Without one, `Tracer.startSpan` answers nil and costs a
/// lock: every instrumented place is a no-op.
///
/// ```swift
/// let span = Tracer.startSpan("execute_tool echo", kind: .internal)
/// span?.set("gen_ai.tool.name", "echo")
/// defer { span?.end() }
/// ```
public final class Tracer: Sendable {
    public let exporter: any SpanExporter
    /// Whether tool arguments and results go into spans (`tracing.capture_content`): they may
    /// hold what callers would not send to a tracing back end, so off by default, and redacted
    /// (`redaction`) and clipped to `contentMaxBytes` when on.
    public let captureContent: Bool
    public let contentMaxBytes: Int
    public let redaction: RecordRedaction

    public init(exporter: any SpanExporter, captureContent: Bool = false, contentMaxBytes: Int = 8192,
                redaction: RecordRedaction = .standard) {
        self.exporter = exporter
        self.captureContent = captureContent
        self.contentMaxBytes = contentMaxBytes
        self.redaction = redaction
    }

    private static let installed = Mutex<Tracer?>(nil)

    /// The tracer of this process, if tracing is on.
    public static var current: Tracer? { installed.withLock { $0 } }

    /// Makes `tracer` the one of this process (nil: tracing off).
    public static func install(_ tracer: Tracer?) {
        installed.withLock { $0 = tracer }
    }

    /// Starts a span under `parent` (default: the span this code runs in, `TraceScope.current`;
    /// none: a new trace). Nil when tracing is off.
    public static func startSpan(_ name: String, kind: SpanKind, parent: SpanContext? = TraceScope.current) -> Span? {
        guard let tracer = current else { return nil }
        return tracer.startSpan(name, kind: kind, parent: parent)
    }

    public func startSpan(_ name: String, kind: SpanKind, parent: SpanContext?) -> Span {
        Span(name: name, kind: kind, context: parent?.child() ?? .newRoot(), parentSpanID: parent?.spanID, exporter: exporter)
    }

    /// Sends the spans still queued, at most `timeoutSeconds`: a process about to exit.
    public static func flush(timeoutSeconds: Double = 5) {
        current?.exporter.flush(timeoutSeconds: timeoutSeconds)
    }

    /// A tool's arguments or answer as a span attribute: redacted, then clipped (nil when
    /// content is not captured).
    public func content(_ value: JSONValue) -> SpanValue? {
        guard captureContent else { return nil }
        let text = JSONWriter.string(redaction.redact(value))
        guard text.utf8.count > contentMaxBytes else { return .string(text) }
        return .string(String(decoding: text.utf8.prefix(contentMaxBytes), as: UTF8.self) + "…")
    }
}

/// The span the current code runs in: what a new span's parent defaults to, what a plugin
/// gets in `TRACEPARENT` and an HTTP request out in `traceparent`. Bound by the front ends
/// around a request and by `ToolInvoker` around a call; a task-local, so it follows the work
/// across `await`s and reads as nil outside any span. (Also when tracing is off it carries
/// a caller's context through, so a plugin still gets its caller's trace.)
public enum TraceScope {
    @TaskLocal public static var current: SpanContext?
}
