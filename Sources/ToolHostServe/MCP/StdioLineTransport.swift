#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import MCP
import ToolHostCore
import ToolHostService

/// MCP over stdin/stdout, one JSON-RPC message per line, in place of the SDK's `StdioTransport`
/// (0.12.1), for three reasons measured here:
///
/// - it polls a non-blocking stdin with 10 ms sleeps, a 10 ms floor under every round trip;
///   this one blocks in `read` on a thread of its own (round trip ≈ 1 ms);
/// - it ends the stream at end of input while calls are still running, and the process exits
///   without their answers; this one ends it only once every request read has been answered
///   or cancelled (or `drainTimeoutSeconds` passed);
/// - it can interleave two large messages on stdout; this one writes each line whole.
///
/// Each message read passes `gate` first (`MCPEraGate`: the 2026-07-28 stateless revision beside
/// the handshake, decided by the first request), and each answer to a stateless request gets
/// that revision's fields on its way out.
actor StdioLineTransport: Transport {
    nonisolated let logger: Logger
    private let maxLineBytes: Int
    private let drainTimeoutSeconds: Double
    private nonisolated let output = LineWriter(descriptor: STDOUT_FILENO)
    private let stream: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    private var started = false
    private var inputEnded = false
    /// Ids of requests read and not yet answered or cancelled.
    private var outstanding: Set<String> = []
    private let gate: MCPEraGate
    /// Refusals of the gate sent so far (each is outstanding until written).
    private var refusals = 0

    init(maxLineBytes: Int, drainTimeoutSeconds: Double, gate: MCPEraGate, logger: Logger) {
        self.gate = gate
        self.maxLineBytes = maxLineBytes
        self.drainTimeoutSeconds = drainTimeoutSeconds
        self.logger = logger
        (stream, continuation) = AsyncThrowingStream<Data, Swift.Error>.makeStream()
    }

    func connect() async throws {
        guard !started else { return }
        started = true
        let maxLineBytes = maxLineBytes
        WorkerThreads.startThread { [self] in
            var reader = LineReader(descriptor: STDIN_FILENO, maxLineBytes: maxLineBytes)
            while let line = reader.nextLine() {
                guard case .line(let bytes) = line else {
                    output.write(JSONWriter.bytes(["jsonrpc": "2.0", "id": nil, "error": [
                        "code": -32600, "message": .string("Message longer than \(maxLineBytes) bytes (service.max_request_bytes); skipped."),
                    ]]))
                    continue
                }
                guard !bytes.isBlankJSONText else { continue }
                if let refusal = Self.refusalOfDuplicateKeys(in: bytes) {
                    output.write(refusal)
                    continue
                }
                let blocker = DispatchSemaphore(value: 0)
                // Noted before it is handed on, so that the answer cannot overtake the note.
                Task { await self.received(bytes); blocker.signal() }
                blocker.wait()
            }
            Task { await self.endOfInput() }
        }
    }

    func disconnect() async { continuation.finish() }

    func send(_ data: Data) async throws {
        var line = [UInt8](data)
        if gate.decorates, let message = try? JSONParser.parse(line), let decorated = gate.decorate(message) {
            line = JSONWriter.bytes(decorated)
        }
        let bytes = line
        let writer = output
        let written = await withCheckedContinuation { continuation in
            // A pipe the client does not read blocks the write: not on the cooperative pool.
            WriteQueue.shared.async { continuation.resume(returning: writer.write(bytes)) }
        }
        // Answered only once written: the stream must not end (and the process exit) first.
        for message in Self.messages(in: bytes) where message["method"] == nil {
            if let id = Self.key(message["id"]) { outstanding.remove(id) }
        }
        finishIfDrained()
        guard written else { throw MCPError.connectionClosed }
    }

    func receive() -> AsyncThrowingStream<Data, Swift.Error> { stream }

    private func received(_ bytes: [UInt8]) {
        let messages = Self.messages(in: bytes)
        if messages.count == 1, let refusal = gate.admit(messages[0]) {
            // Outstanding until written, so that end of input cannot end the process first.
            let key = "refusal:\(refusals)"
            refusals += 1
            outstanding.insert(key)
            let writer = output
            WriteQueue.shared.async {
                writer.write(JSONWriter.bytes(refusal))
                Task { await self.written(key) }
            }
            return
        }
        for message in messages {
            guard let method = message["method"]?.stringValue else { continue }
            if method == CancelledNotification.name, let id = Self.key(message["params"]?["requestId"]) {
                outstanding.remove(id)
            } else if let id = Self.key(message["id"]) {
                outstanding.insert(id)
            }
        }
        continuation.yield(Data(bytes))
    }

    private func written(_ key: String) {
        outstanding.remove(key)
        finishIfDrained()
    }

    private func endOfInput() {
        inputEnded = true
        finishIfDrained()
        let timeout = drainTimeoutSeconds
        Task {
            try? await Task.sleep(for: .seconds(timeout))
            self.giveUpDraining()
        }
    }

    private func finishIfDrained() {
        if inputEnded, outstanding.isEmpty { continuation.finish() }
    }

    private func giveUpDraining() {
        if !outstanding.isEmpty {
            logger.warning("end of input: \(outstanding.count) request(s) still unanswered after \(drainTimeoutSeconds) s")
        }
        continuation.finish()
    }

    /// A JSON-RPC error for a line that names a key twice in an object (the SDK's decoder would
    /// quietly keep one of them), nil for any other line. Answered with the request's id when
    /// the id itself is not what is doubled.
    private static func refusalOfDuplicateKeys(in bytes: [UInt8]) -> [UInt8]? {
        let problem: JSONParseError
        do {
            _ = try JSONParser.parse(bytes, options: .request)
            return nil
        } catch {
            problem = error
        }
        guard let message = try? JSONParser.parse(bytes) else { return nil }  // not JSON: the SDK answers
        let id: JSONValue = key(message["id"]) != nil ? message["id"] ?? .null : .null
        return JSONWriter.bytes(["jsonrpc": "2.0", "id": id, "error": [
            "code": -32600, "message": .string("Invalid request: \(problem)."),
        ]])
    }

    /// The JSON-RPC messages of a line: one object, or a batch (array) of them.
    private static func messages(in bytes: [UInt8]) -> [JSONValue] {
        switch try? JSONParser.parse(bytes) {
        case .object(let object)?: [.object(object)]
        case .array(let values)?: values
        default: []
        }
    }

    /// The id as the SDK will answer it: strings and whole numbers. Anything else (a fraction,
    /// a number past 64 bits) the SDK cannot answer by id, so it is not waited for.
    private static func key(_ id: JSONValue?) -> String? {
        switch id {
        case .string(let text)?: "s:" + text
        case .integer(let number)?: "n:\(number)"
        case .double(let number)?: Int64(exactly: number).map { "n:\($0)" }
        default: nil
        }
    }
}

/// Serialises stdout writes off the cooperative thread pool.
private enum WriteQueue {
    static let shared = DispatchQueue(label: "toolhost.mcp.stdout")
}
