import Logging
import ToolHostCore
import ToolHostService

/// swift-log's lines (Hummingbird's, the MCP SDK's) written through the server's log, so that
/// with `log.format: json` every stderr line is one JSON object, theirs included.
struct ServiceLogHandler: LogHandler {
    let serviceLog: ServiceLog
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level: LogSettings.Level = switch event.level {
        case .trace, .debug: .debug
        case .info, .notice: .info
        case .warning: .warning
        case .error, .critical: .error
        }
        serviceLog.library(level: level, label: label, message: event.message.description)
    }

    /// Routes every swift-log logger of the process to `log` (once per process; json only: in
    /// text the libraries' own lines are already readable).
    static func install(for log: ServiceLog) {
        guard log.settings.format == .json else { return }
        LoggingSystem.bootstrap { label in ServiceLogHandler(serviceLog: log, label: label) }
    }
}
