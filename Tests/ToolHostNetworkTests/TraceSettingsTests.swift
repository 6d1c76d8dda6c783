import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostNetwork

/// How tracing is configured: OpenTelemetry's own environment variables over the file.
@Suite("TraceSettings")
struct TraceSettingsTests {
    private func settings(_ yaml: String = "", environment: [String: String] = [:]) throws -> TraceSettings {
        let directory = TemporaryDirectory()
        let file = directory.write("config.yaml", yaml)
        let config = try ConfigLoader.load(explicitPath: file, environment: environment, sections: [TraceSettings.self])
        return config[section: TraceSettings.self]
    }

    @Test func offUntilAnEndpointIsSet() throws {
        let none = try settings()
        #expect(!none.isEnabled)
        let file = try settings("tracing: {endpoint: 'http://collector:4318/v1/traces', headers: {x-key: abc}, capture_content: true}")
        #expect(file.endpoint == "http://collector:4318/v1/traces" && file.headers == ["x-key": "abc"] && file.captureContent)
    }

    @Test func openTelemetrysVariablesWinAndTheGenericEndpointGetsTheTracesPath() throws {
        let generic = try settings("tracing: {endpoint: 'http://file:4318/v1/traces'}", environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://env:4318/"])
        #expect(generic.endpoint == "http://file:4318/v1/traces")  // the file's own key beats the generic base
        let specific = try settings("tracing: {endpoint: 'http://file:4318/v1/traces'}",
                                    environment: ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://env:9999/custom"])
        #expect(specific.endpoint == "http://env:9999/custom")
        let base = try settings(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://env:4318/"])
        #expect(base.endpoint == "http://env:4318/v1/traces")
        let timed = try settings(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://env:4318", "OTEL_EXPORTER_OTLP_TIMEOUT": "2500",
                                               "OTEL_BSP_SCHEDULE_DELAY": "200", "OTEL_SERVICE_NAME": "agents"])
        #expect(timed.timeoutSeconds == 2.5 && timed.batchDelaySeconds == 0.2 && timed.serviceName == "agents")
        let disabled = try settings("tracing: {endpoint: 'http://file:4318/v1/traces'}", environment: ["OTEL_SDK_DISABLED": "true"])
        #expect(!disabled.isEnabled)
    }

    @Test func headerAndAttributeListsArePercentDecoded() {
        let pairs = TraceSettings.pairs(" api-key = a%20b%2Cc ,broken, =x,tenant=t1")
        #expect(pairs == ["api-key": "a b,c", "tenant": "t1"])
    }
}
