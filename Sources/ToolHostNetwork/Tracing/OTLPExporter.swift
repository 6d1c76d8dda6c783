#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import ToolHostCore

/// Sends finished spans to an OTLP/HTTP endpoint in batches, as OpenTelemetry's batch span
/// processor does: a span is queued (never blocking the call that ended it), a batch goes out
/// `batchDelaySeconds` after the first span of it, or at once when `maxBatchSpans` are waiting.
/// A full queue drops new spans, and a failed POST loses its batch: tracing never slows down
/// or fails a tool call. Each loss is counted and said in a warning (the first at once, then
/// at most one a minute), never silently.
public final class OTLPExporter: SpanExporter {
    private let settings: TraceSettings
    private let resource: [(key: String, value: SpanValue)]
    private let warn: @Sendable (String) -> Void
    /// Sends one batch at a time, in order.
    private let sending = DispatchQueue(label: "toolhost.otlp")
    private let state = Mutex(State())

    private struct State {
        var queue: [FinishedSpan] = []
        var sendScheduled = false
        var lost = 0
        var lastWarning: Double?
    }

    /// Spans sent and lost so far.
    public var counts: (sent: Int, lost: Int) { countsState.withLock { $0 } }
    private let countsState = Mutex((sent: 0, lost: 0))
    /// Why the last batch was lost, for the next warning.
    private let lastReason = Mutex("")

    public init(settings: TraceSettings, warn: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.warn = warn
        resource = Self.resource(settings)
    }

    public func export(_ span: FinishedSpan) {
        enum Next { case nothing, sendNow, sendLater }
        let next: Next = state.withLock { state in
            guard state.queue.count < settings.maxQueueSpans else {
                state.lost += 1
                countsState.withLock { $0.lost += 1 }
                lastReason.withLock { $0 = "more than tracing.max_queue_spans (\(settings.maxQueueSpans)) were waiting" }
                return .nothing
            }
            state.queue.append(span)
            if state.queue.count >= settings.maxBatchSpans { return .sendNow }
            if state.sendScheduled { return .nothing }
            state.sendScheduled = true
            return .sendLater
        }
        switch next {
        case .nothing: break
        case .sendNow: sending.async { self.sendQueued(deadline: nil) }
        case .sendLater: sending.asyncAfter(deadline: .now() + settings.batchDelaySeconds) { self.sendQueued(deadline: nil) }
        }
    }

    public func flush(timeoutSeconds: Double) {
        let deadline = MonotonicClock.now() + timeoutSeconds
        sending.sync { sendQueued(deadline: deadline) }
    }

    /// Sends everything queued, a batch at a time (on `sending`).
    private func sendQueued(deadline: Double?) {
        while true {
            let batch: [FinishedSpan] = state.withLock { state in
                let batch = Array(state.queue.prefix(settings.maxBatchSpans))
                state.queue.removeFirst(batch.count)
                if state.queue.isEmpty { state.sendScheduled = false }
                return batch
            }
            if batch.isEmpty { break }
            let timeout = min(settings.timeoutSeconds, deadline.map { $0 - MonotonicClock.now() } ?? .infinity)
            guard timeout > 0 else {
                lose(batch.count, because: "the process was exiting")
                continue
            }
            send(batch, timeoutSeconds: timeout)
        }
        reportLosses()
    }

    private func send(_ batch: [FinishedSpan], timeoutSeconds: Double) {
        guard let endpoint = settings.endpoint else { return }
        var headers = [HTTPHeader("Content-Type", "application/x-protobuf")]
        for (name, value) in settings.headers.sorted(by: { $0.key < $1.key }) { headers.append(HTTPHeader(name, value)) }
        let request = HTTPRequest(method: "POST", url: endpoint, headers: headers, body: OTLPTraceRequest.encode(batch, resource: resource))
        do throws(HTTPFailure) {
            let response = try HTTPClient.send(request, timeoutSeconds: timeoutSeconds, caFile: settings.caFile, maxResponseBytes: 1 << 20)
            guard (200..<300).contains(response.status) else {
                lose(batch.count, because: "\(endpoint) answered HTTP \(response.status)")
                return
            }
            countsState.withLock { $0.sent += batch.count }
        } catch {
            lose(batch.count, because: "\(endpoint): \(error.message)")
        }
    }

    private func lose(_ count: Int, because reason: String) {
        state.withLock { $0.lost += count }
        countsState.withLock { $0.lost += count }
        lastReason.withLock { $0 = reason }
    }

    /// Says how many spans were lost since the last warning: the first loss at once, then at
    /// most once a minute.
    private func reportLosses() {
        let now = MonotonicClock.now()
        let lost: Int? = state.withLock { state in
            guard state.lost > 0, state.lastWarning.map({ now - $0 >= 60 }) ?? true else { return nil }
            defer { state.lost = 0; state.lastWarning = now }
            return state.lost
        }
        guard let lost else { return }
        let reason = lastReason.withLock { $0 }
        warn("tracing: \(lost) span\(lost == 1 ? "" : "s") could not be sent and \(lost == 1 ? "was" : "were") dropped (\(reason)); tool calls are not affected")
    }

    /// This process as OTLP's resource: `service.*`, the SDK's name, the process id, and the
    /// configured attributes (which may override any of them).
    private static func resource(_ settings: TraceSettings) -> [(key: String, value: SpanValue)] {
        var attributes: [(key: String, value: SpanValue)] = [
            ("service.name", .string(settings.serviceName)),
            ("service.version", .string(ToolHostVersion.current)),
            ("telemetry.sdk.name", .string("toolhost")),
            ("telemetry.sdk.language", .string("swift")),
            ("telemetry.sdk.version", .string(ToolHostVersion.current)),
            ("process.pid", .int(Int64(getpid()))),
        ]
        // OTEL_SERVICE_NAME (or tracing.service_name) wins over a service.name among them.
        let named = settings.serviceName != TraceSettings().serviceName
        for (key, value) in settings.resourceAttributes.sorted(by: { $0.key < $1.key }) where !(named && key == "service.name") {
            attributes.removeAll { $0.key == key }
            attributes.append((key, .string(value)))
        }
        return attributes
    }
}
