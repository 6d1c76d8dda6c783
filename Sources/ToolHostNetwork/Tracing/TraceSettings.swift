import ToolHostCore

/// Where ToolHost sends its spans (OTLP over HTTP, protobuf) and what goes into them. Off
/// until an endpoint is set, in the file or by OpenTelemetry's own environment variables,
/// which a collector's documentation tells users to set and which therefore win over the file.
///
/// ```yaml
/// tracing:
///   endpoint: http://localhost:4318/v1/traces   # OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or
///                                               # OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces
///   headers: {authorization: "Bearer ${OTLP_TOKEN}"}  # OTEL_EXPORTER_OTLP_(TRACES_)HEADERS: k=v,k=v
///   service_name: toolhost                      # OTEL_SERVICE_NAME
///   resource_attributes: {deployment.environment.name: prod}  # OTEL_RESOURCE_ATTRIBUTES
///   capture_content: false                      # tool arguments and results in spans (redacted)
///   content_max_bytes: 8192
///   timeout_seconds: 10                         # OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT, in ms
///   ca_file: /etc/ssl/collector.pem             # OTEL_EXPORTER_OTLP_(TRACES_)CERTIFICATE
///   batch_delay_ms: 1000                        # OTEL_BSP_SCHEDULE_DELAY
///   max_batch_spans: 512                        # OTEL_BSP_MAX_EXPORT_BATCH_SIZE
///   max_queue_spans: 2048                       # OTEL_BSP_MAX_QUEUE_SIZE
/// ```
/// `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turns tracing off whatever the file says.
public struct TraceSettings: Sendable, Equatable {
    /// The full URL spans are POSTed to; nil: tracing off.
    public var endpoint: String?
    public var headers: [String: String] = [:]
    public var serviceName = "toolhost"
    public var resourceAttributes: [String: String] = [:]
    public var captureContent = false
    public var contentMaxBytes = 8192
    public var timeoutSeconds = 10.0
    public var caFile: String?
    public var batchDelaySeconds = 1.0
    public var maxBatchSpans = 512
    public var maxQueueSpans = 2048

    public init() {}

    public var isEnabled: Bool { endpoint != nil }
}

extension TraceSettings: ConfigSection {
    public init(reading reader: inout ConfigReader, context: ConfigSectionContext) {
        self.init()
        let environment = context.environment
        endpoint = reader.string("tracing.endpoint", env: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
            ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"].map(Self.tracesURL(base:))
        if let endpoint, HTTPURL(endpoint) == nil {
            reader.report("tracing.endpoint must be an http:// or https:// URL (OTLP over HTTP, e.g. http://localhost:4318/v1/traces), not \"\(endpoint.prefix(200))\"")
            self.endpoint = nil
        }
        if environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" || environment["OTEL_TRACES_EXPORTER"]?.lowercased() == "none" {
            endpoint = nil
        }
        headers = reader.stringMap("tracing.headers") ?? [:]
        for variable in ["OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"] {
            if let text = environment[variable] { headers.merge(Self.pairs(text)) { _, new in new } }
        }
        serviceName = reader.string("tracing.service_name", env: "OTEL_SERVICE_NAME") ?? serviceName
        resourceAttributes = reader.stringMap("tracing.resource_attributes") ?? [:]
        if let text = environment["OTEL_RESOURCE_ATTRIBUTES"] { resourceAttributes.merge(Self.pairs(text)) { _, new in new } }
        captureContent = reader.bool("tracing.capture_content", env: "TOOLHOST_TRACING_CAPTURE_CONTENT", default: captureContent)
        contentMaxBytes = reader.integer("tracing.content_max_bytes", default: contentMaxBytes)
        let timeoutVariable = environment["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"] != nil ? "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT" : "OTEL_EXPORTER_OTLP_TIMEOUT"
        if let milliseconds = environment[timeoutVariable].flatMap(Double.init), milliseconds > 0 {
            timeoutSeconds = milliseconds / 1000
        } else {
            timeoutSeconds = reader.number("tracing.timeout_seconds", default: timeoutSeconds)
        }
        caFile = reader.string("tracing.ca_file", env: "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE")
            ?? environment["OTEL_EXPORTER_OTLP_CERTIFICATE"]
        batchDelaySeconds = reader.number("tracing.batch_delay_ms", env: "OTEL_BSP_SCHEDULE_DELAY", default: batchDelaySeconds * 1000) / 1000
        maxBatchSpans = reader.integer("tracing.max_batch_spans", env: "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", default: maxBatchSpans)
        maxQueueSpans = reader.integer("tracing.max_queue_spans", env: "OTEL_BSP_MAX_QUEUE_SIZE", default: maxQueueSpans)
    }

    /// `OTEL_EXPORTER_OTLP_ENDPOINT` is a base: the traces path is added to it.
    static func tracesURL(base: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/v1/traces"
    }

    /// `k=v,k2=v2` as OpenTelemetry's environment variables write headers and resource
    /// attributes: values percent-decoded, spaces around each part ignored, malformed parts skipped.
    static func pairs(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for part in text.split(separator: ",") {
            guard let equals = part.firstIndex(of: "=") else { continue }
            let key = part[..<equals].trimmingSpaces
            guard !key.isEmpty else { continue }
            result[key] = part[part.index(after: equals)...].trimmingSpaces.percentDecoded
        }
        return result
    }
}
