#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import ToolHostCore

/// The log of `toolhost serve`, on stderr (never stdout: with `--mcp` and `--jsonl` stdout is
/// the protocol): one access line per HTTP request, one line per tool call whichever front end
/// it came from, plugins' stderr lines tagged with their tool and request id, and warnings.
///
/// ```text
/// ts=2026-12-04T13:05:07.123Z level=info msg=call front_end=jsonl request_id=5f3a91c2-1 tool=echo outcome=ok duration_ms=3.120
/// {"ts":"2026-12-04T13:05:07.123Z","level":"info","msg":"request","request_id":"…","method":"POST","route":"/api/tools/{id}/invoke",…}
/// ```
///
/// Every line is one `write(2)` under one lock, so lines from concurrent calls never mix.
public final class ServiceLog: Sendable {
    public let settings: LogSettings
    /// `jsonl`, `mcp` or `http`: which front end the server runs (its calls' `front_end`).
    public let frontEnd: String
    private let descriptor: Int32
    private let writing = Mutex(())
    /// Makes the generated request ids unique across restarts of the server, not only within one.
    private let idPrefix: String
    private let counter = Atomic<Int>(0)

    public init(settings: LogSettings, frontEnd: String, descriptor: Int32 = STDERR_FILENO) {
        self.settings = settings
        self.frontEnd = frontEnd
        self.descriptor = descriptor
        let random = UInt32.random(in: .min ... .max)
        let hex = String(random, radix: 16)
        idPrefix = String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Whether the access lines (requests and calls) are written.
    public var writesAccessLines: Bool { settings.access && settings.level <= .info }

    /// A new id for a call or request that brought none: `<8 hex digits>-<counter>`.
    public func nextRequestID() -> String {
        idPrefix + "-" + String(counter.wrappingAdd(1, ordering: .relaxed).newValue)
    }

    /// The line of one finished tool call.
    public func call(tool: String, requestID: String, answer: InvocationAnswer, seconds: Double) {
        guard writesAccessLines else { return }
        var line = LogLine(format: settings.format, level: .info, message: "call")
        line.add("front_end", frontEnd)
        line.add("request_id", requestID)
        line.add("tool", tool)
        line.add("outcome", answer.succeeded ? "ok" : "error")
        if let code = answer.errorCode { line.add("error_code", code.rawValue) }
        line.add("duration_ms", milliseconds: seconds)
        write(line.finished())
    }

    /// The access line of one HTTP request; `route` is its template (`/api/tools/{id}/invoke`).
    public func request(method: String, route: String, status: Int, seconds: Double, requestID: String, bytes: Int?) {
        guard writesAccessLines else { return }
        var line = LogLine(format: settings.format, level: .info, message: "request")
        line.add("front_end", frontEnd)
        line.add("request_id", requestID)
        line.add("method", method)
        line.add("route", route)
        line.add("status", status)
        line.add("duration_ms", milliseconds: seconds)
        if let bytes { line.add("bytes", bytes) }
        write(line.finished())
    }

    /// A warning of the server's (credentials redacted, as `Console.warn` does).
    public func warning(_ message: String) {
        guard settings.level <= .warning else { return }
        var line = LogLine(format: settings.format, level: .warning, message: CredentialRedaction.redact(message))
        write(line.finished())
    }

    /// A line of a library's own (Hummingbird's, the MCP SDK's, through swift-log), at its level.
    public func library(level: LogSettings.Level, label: String, message: String) {
        guard settings.level <= level else { return }
        var line = LogLine(format: settings.format, level: level, message: CredentialRedaction.redact(message))
        line.add("logger", label)
        write(line.finished())
    }

    /// One line a plugin wrote on stderr (without its newline). Always written, whatever the
    /// level: it was the plugin's own choice to say it, and it used to reach stderr as it was.
    func pluginLine(tool: String, requestID: String, _ text: ArraySlice<UInt8>) {
        switch settings.format {
        case .text:
            var bytes = Array("[tool=\(tool) request=\(requestID)] ".utf8)
            bytes.append(contentsOf: text)
            bytes.append(0x0A)
            write(bytes)
        case .json:
            var line = LogLine(format: .json, level: .info, message: "plugin stderr")
            line.add("stream", "plugin_stderr")
            line.add("front_end", frontEnd)
            line.add("request_id", requestID)
            line.add("tool", tool)
            line.add("line", String(decoding: text, as: UTF8.self))
            write(line.finished())
        }
    }

    private func write(_ bytes: [UInt8]) {
        writing.withLock { _ in _ = FileIO.writeAll(bytes, to: descriptor) }
    }
}
