#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import ToolHostCore

/// `toolhost serve --jsonl`: one request per line on stdin, one answer per line on stdout.
///
/// Request: `{"id": ..., "tool": "...", "input": {...}}`, optionally `"timeout"` (seconds),
/// `"envelope": true`, and the caller's trace context `"traceparent"` (W3C; with
/// `"tracestate"`), under which the call's span runs (a value W3C says to ignore is ignored). Answer: `{"id": ..., "exit_code": n, "result": {...}}`, where `result`
/// is exactly what `toolhost run` would print and `exit_code` the status it would exit with.
///
/// Requests run concurrently (up to `service.max_concurrent_calls`), so answers may come out
/// of order: match them by id. A line that is not a request object is answered with
/// `"id": null` (or its id, when it has one) and the stream goes on. At end of input the calls
/// still running are finished and answered, then the server returns.
public final class JSONLinesServer: Sendable {
    public let host: ServiceHost
    public let input: Int32
    public let output: LineWriter
    private let stopped = Atomic<Bool>(false)

    public init(host: ServiceHost, input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) {
        self.host = host
        self.input = input
        self.output = LineWriter(descriptor: output)
    }

    /// Serves until end of input, then until every call read is answered and recorded.
    public func run() {
        // Read ahead at most this many requests: a caller far ahead of the workers waits in
        // its pipe rather than in our memory.
        let window = DispatchSemaphore(value: host.config.service.maxConcurrentCalls * 2)
        var reader = LineReader(descriptor: input, maxLineBytes: host.config.service.maxRequestBytes)
        while let line = reader.nextLine(), !stopped.load(ordering: .acquiring) {
            switch line {
            case .tooLong(let bytes):
                answer(id: .null, InvocationAnswer(ToolHostError(
                    .invalidRequest, "A request line was \(bytes) bytes or more, over the limit of \(host.config.service.maxRequestBytes) (service.max_request_bytes); it was skipped.")))
            case .line(let bytes):
                guard !bytes.isBlankJSONText else { continue }
                let request: CallRequest
                let id: JSONValue
                switch Self.parse(bytes) {
                case .failure(let failure):
                    answer(id: failure.id, InvocationAnswer(failure.error))
                    continue
                case .success(let parsed):
                    (id, request) = parsed
                }
                window.wait()
                host.submit(request) { [self] result in
                    answer(id: id, result)
                    window.signal()
                }
            }
        }
        host.finishCalls()
    }

    /// Reads no further request (a line read already is dropped unanswered); calls submitted
    /// before go on. For a server shutting down.
    public func stop() {
        stopped.store(true, ordering: .releasing)
    }

    private func answer(id: JSONValue, _ answer: InvocationAnswer) {
        output.write(JSONWriter.bytes(["id": id, "exit_code": .int(Int(answer.exitCode)), "result": answer.value]))
    }

    struct RequestFailure: Error {
        var id: JSONValue
        var error: ToolHostError
    }

    /// Reads one request line; a failure keeps the request's id when it has a usable one.
    static func parse(_ line: [UInt8]) -> Result<(id: JSONValue, request: CallRequest), RequestFailure> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line, options: .request)
        } catch {
            return .failure(RequestFailure(id: .null, error: ToolHostError(
                .invalidJSON, "The request line is not valid JSON: \(error).", details: ["column": .int(error.column)])))
        }
        guard case .object(let object) = value else {
            return .failure(RequestFailure(id: .null, error: invalid("The request must be a JSON object {\"id\", \"tool\", \"input\"}, not \(value.kindPhrase).")))
        }
        let id = object["id"] ?? .null
        switch id {
        case .array, .object:
            return .failure(RequestFailure(id: .null, error: invalid("The request's id must be a string, a number or null, not \(id.kindPhrase).")))
        default: break
        }
        func fail(_ message: String) -> Result<(id: JSONValue, request: CallRequest), RequestFailure> {
            .failure(RequestFailure(id: id, error: invalid(message)))
        }
        guard let tool = object["tool"]?.stringValue, !tool.isEmpty else {
            return fail("The request needs \"tool\": the id of the tool to run, as a string.")
        }
        let unknown = object.keys.filter { !["id", "tool", "input", "timeout", "envelope", "traceparent", "tracestate"].contains($0) }
        if let key = unknown.first {
            return fail("The request has an unknown member \"\(key)\"; a request has id, tool, input, and optionally timeout, envelope, traceparent and tracestate.")
        }
        var request = CallRequest(toolID: tool, input: object["input"] ?? .object([:]))
        if let timeout = object["timeout"], !timeout.isNull {
            guard let seconds = timeout.numberValue, seconds > 0, seconds.isFinite else {
                return fail("The request's timeout must be a positive number of seconds.")
            }
            request.timeoutSeconds = seconds
        }
        if let envelope = object["envelope"], !envelope.isNull {
            guard let flag = envelope.boolValue else { return fail("The request's envelope must be true or false.") }
            request.envelope = flag
        }
        for key in ["traceparent", "tracestate"] {
            if let value = object[key], !value.isNull, value.stringValue == nil { return fail("The request's \(key) must be text.") }
        }
        request.traceParent = object["traceparent"]?.stringValue.flatMap {
            SpanContext(traceparent: $0, tracestate: object["tracestate"]?.stringValue)
        }
        return .success((id, request))
    }

    private static func invalid(_ message: String) -> ToolHostError { ToolHostError(.invalidRequest, message) }
}
