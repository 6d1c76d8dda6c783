/// How `toolhost serve` writes its log on stderr: one line per HTTP request and per tool call
/// (the access lines), plugins' stderr lines tagged with their call, and warnings.
///
/// ```yaml
/// log:
///   format: json     # text | json   (TOOLHOST_LOG_FORMAT)
///   level: info      # debug | info | warning | error   (TOOLHOST_LOG_LEVEL)
///   access: true     # one line per request and per call   (TOOLHOST_LOG_ACCESS)
/// ```
public struct LogSettings: ConfigSection {
    public enum Format: String, CaseIterable, Sendable {
        /// `ts=… level=info msg=call tool=x …`: for people reading a terminal.
        case text
        /// One JSON object per line with stable keys: for log collectors.
        case json
    }

    /// Ordered: a line is written when its level is at least the configured one.
    public enum Level: String, CaseIterable, Sendable, Comparable {
        case debug, info, warning, error

        private var rank: Int {
            switch self {
            case .debug: 0
            case .info: 1
            case .warning: 2
            case .error: 3
            }
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
    }

    public var format = Format.text
    public var level = Level.info
    /// Whether the access lines (requests and calls) are written.
    public var access = true

    public init() {}

    public init(reading reader: inout ConfigReader, context: ConfigSectionContext) {
        self.init()
        if let text = reader.string("log.format", env: "TOOLHOST_LOG_FORMAT") {
            if let value = Format(rawValue: text.lowercased()) {
                format = value
            } else {
                reader.report("log.format must be one of \(Format.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
            }
        }
        if let text = reader.string("log.level", env: "TOOLHOST_LOG_LEVEL") {
            let name = text.lowercased() == "warn" ? "warning" : text.lowercased()
            if let value = Level(rawValue: name) {
                level = value
            } else {
                reader.report("log.level must be one of \(Level.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
            }
        }
        access = reader.bool("log.access", env: "TOOLHOST_LOG_ACCESS", default: access)
    }
}
