import ToolHostCore
import ToolHostStorage

/// Exports training rows as JSONL or CSV, streamed row by row from the database (memory stays
/// flat however many rows), into a file that appears only when complete.
public struct TrainingExport: Sendable {
    public let config: HostConfig

    public init(config: HostConfig) { self.config = config }

    public struct Request: Sendable {
        public var dataType: TrainingDataType
        public var format: ExportFormat
        /// A file path, or `-` for stdout.
        public var output: String
        public var since: String?
        public var until: String?
        /// Column filters: equality (arrays mean IN, null means IS NULL).
        public var filters: [(column: String, value: JSONValue)]
        public var columns: [String]?
        public var limit: Int?

        public init(dataType: TrainingDataType, format: ExportFormat, output: String, since: String? = nil, until: String? = nil,
                    filters: [(column: String, value: JSONValue)] = [], columns: [String]? = nil, limit: Int? = nil) {
            self.dataType = dataType
            self.format = format
            self.output = output
            self.since = since
            self.until = until
            self.filters = filters
            self.columns = columns
            self.limit = limit
        }
    }

    public struct Summary: Sendable {
        public var rows: Int
        public var bytes: Int
        public var seconds: Double
        public var path: String

        /// The export operations' answer: the file, its rows and bytes, and the time taken.
        public var fields: JSONObject {
            ["path": .string(path), "count": .int(rows), "bytes": .int(bytes), "seconds": .double((seconds * 1000).rounded() / 1000)]
        }
    }

    /// Runs the export. `progress` (if given) is called now and then with the rows written so
    /// far and, when `countFirst`, the total.
    public func run(_ request: Request, countFirst: Bool = false,
                    progress: ((_ rows: Int, _ total: Int?) -> Void)? = nil) throws(ToolHostError) -> Summary {
        var selection = TrainingSelection(type: request.dataType)
        selection.filters = request.filters
        selection.since = try Self.time(request.since, name: "since")
        selection.until = try Self.time(request.until, name: "until")
        selection.columns = request.columns
        selection.limit = request.limit
        return try run(selection, format: request.format, output: request.output, countFirst: countFirst, progress: progress)
    }

    /// Exports `selection` oldest first (training data reads in the order it happened).
    func run(_ selection: TrainingSelection, format: ExportFormat, output: String, countFirst: Bool = false,
             progress: ((_ rows: Int, _ total: Int?) -> Void)? = nil) throws(ToolHostError) -> Summary {
        var selection = selection
        selection.newestFirst = false
        try selection.check()
        let columns = selection.columns ?? selection.type.columns
        let jsonColumns = selection.type.jsonColumns
        let writer = try ExportWriter(path: output)
        let started = MonotonicClock.now()
        do throws(ToolHostError) {
            let rows = try Database.shared(for: config.database).withConnection { (connection) throws(ToolHostError) -> Int in
                let query = selection.sql(dialect: connection.dialect)
                var total: Int?
                if countFirst {
                    let countQuery = "SELECT count(*) AS n FROM (\(query.sql)) AS selected"
                    total = try withDatabaseErrors { () throws(DatabaseError) in try connection.run(countQuery, query.values).rows.first?["n"]?.integerValue }
                }
                try writer.write(format.header(columns))
                var written = 0
                /// Counts a row the writer took (a write that fails stops the read).
                func wrote() {
                    written += 1
                    if written & 0x3FFF == 0 { progress?(written, total) }
                }
                switch format {
                case .jsonl:
                    // Rows go from the driver's buffers to the file without being built.
                    try connection.forEachRowAsJSON(query.sql, query.values) { (row) throws(ToolHostError) in
                        try writer.write { row.appendJSON(to: &$0); $0.append(0x0A) }
                        wrote()
                    }
                case .csv:
                    try connection.forEachRow(query.sql, query.values) { (row: JSONObject) throws(ToolHostError) in
                        try writer.write { format.encode(row, columns: columns, jsonColumns: jsonColumns, into: &$0) }
                        wrote()
                    }
                }
                progress?(written, total)
                return written
            }
            try writer.finish()
            return Summary(rows: rows, bytes: writer.bytesWritten, seconds: MonotonicClock.now() - started, path: output)
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// `2024-01-31`, ISO-8601, or `7d` / `12h` / `30m` / `2w` before now.
    static func time(_ text: String?, name: String) throws(ToolHostError) -> Timestamp? {
        guard let text else { return nil }
        guard let timestamp = Timestamp(expression: text) else {
            throw ToolHostError(.invalidInput, "The \(name) date \"\(text)\" is not understood; use 2024-01-31, an ISO-8601 time, or a span such as 7d, 12h, 30m.")
        }
        return timestamp
    }
}
