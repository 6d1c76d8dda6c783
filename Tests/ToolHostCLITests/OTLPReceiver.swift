import Foundation
import ToolHostCore
import ToolHostTestSupport

/// `scripts/otlp-receiver.py`: a real OTLP/HTTP endpoint whose spans are decoded by the
/// official `opentelemetry-proto` package, so that what ToolHost exports is read as any
/// collector reads it. Each decoded span is one JSON object (`spans`).
final class OTLPReceiver: @unchecked Sendable {
    private let server: ReadyServer
    private let directory = TemporaryDirectory()
    private var file: String { FilePath.join(directory.path, "spans.jsonl") }

    /// `status`: what every export is answered with (503: a collector refusing).
    init(status: Int = 200) throws {
        server = try ReadyServer(script: ReadyServer.script("otlp-receiver.py"), arguments: ["--out", FilePath.join(directory.path, "spans.jsonl"),
                                                                                          "--status", String(status)])
    }

    /// What ToolHost reads to export here (OpenTelemetry's own variables), with a short batch delay.
    var environment: [String: String] {
        ["OTEL_EXPORTER_OTLP_ENDPOINT": server.baseURL, "OTEL_BSP_SCHEDULE_DELAY": "50"]
    }

    /// Every span received so far.
    var spans: [JSONObject] {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { (try? JSONParser.parse(String($0)))?.objectValue }
    }

    /// The spans once `condition` holds of them, or what there is after `seconds`.
    func spans(within seconds: Double = 20, until condition: ([JSONObject]) -> Bool) -> [JSONObject] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let spans = self.spans
            if condition(spans) || Date() > deadline { return spans }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    deinit { server.stop() }
}

extension JSONObject {
    /// A span's attribute.
    func attribute(_ key: String) -> JSONValue? { self["attributes"]?[key] }
}
