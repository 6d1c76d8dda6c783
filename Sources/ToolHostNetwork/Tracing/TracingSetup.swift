import ToolHostCore

/// Turns tracing on for this process when the configuration names an endpoint: the one place
/// the executables call, before the first call runs.
public enum TracingSetup {
    /// Installs a tracer exporting to `tracing.endpoint` (nothing when none is set); `warn`
    /// hears about spans that could not be sent.
    public static func install(_ config: HostConfig, warn: @escaping @Sendable (String) -> Void) {
        let settings = config[section: TraceSettings.self]
        guard settings.isEnabled else { return }
        Tracer.install(Tracer(exporter: OTLPExporter(settings: settings, warn: warn), captureContent: settings.captureContent,
                              contentMaxBytes: settings.contentMaxBytes, redaction: config.training.redaction))
    }
}
