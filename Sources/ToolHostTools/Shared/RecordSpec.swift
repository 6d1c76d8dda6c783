import ToolHostCore
import ToolHostStorage

/// The fields of one kind of record (a log, a bug, a metric...): which are required, which
/// are JSON, which are folded to lower case. Single stores, batch stores and their validation
/// all read the same spec, so `store_log` and `store_logs` cannot disagree.
struct RecordSpec {
    let table: TableName
    let required: [String]
    let optional: [String]
    /// How each field (required first) is read, worked out once: the check runs per record
    /// of a million-record batch.
    private let fields: [(name: String, isRequired: Bool, kind: Kind, maxLength: Int?)]

    enum Kind {
        case text, lowercasedText, json, number, boolean
    }

    init(table: TableName, required: [String], optional: [String], json: Set<String> = [], lowercased: Set<String> = [],
         numbers: Set<String> = [], booleans: Set<String> = []) {
        self.table = table
        self.required = required
        self.optional = optional
        // Checked here for both engines: PostgreSQL's VARCHAR(n) refuses longer text, SQLite keeps it.
        let lengths = ColumnLengths.limits(of: table)
        fields = (required + optional).map { name in
            let kind: Kind = json.contains(name) ? .json : numbers.contains(name) ? .number : booleans.contains(name) ? .boolean
                : lowercased.contains(name) ? .lowercasedText : .text
            return (name, required.contains(name), kind, lengths[name])
        }
    }

    var columns: [String] { required + optional + ["created_at"] }

    /// The SQL values of `record` in `columns` order, and the violations that stop it (when
    /// there are any, the values are not to be used). `path` prefixes violation paths ("" for
    /// a single record, "/logs/3" in a batch).
    func values(of record: JSONObject, path: String, dialect: SQLDialect) -> (values: [SQLValue], violations: [Violation]) {
        var violations: [Violation] = []
        var values: [SQLValue] = []
        values.reserveCapacity(fields.count + 1)
        for field in fields {
            guard let value = record[field.name], !value.isNull else {
                if field.isRequired { violations.append(Violation(path: "\(path)/\(field.name)", message: "is required")) }
                values.append(.null)
                continue
            }
            switch (field.kind, value) {
            case (.json, _): values.append(.json(value))
            case (.boolean, .bool(let flag)): values.append(.bool(flag))
            case (.number, .integer(let integer)): values.append(.integer(integer))
            case (.number, .double(let double)): values.append(.double(double))
            case (.text, .string(let text)), (.lowercasedText, .string(let text)):
                if let limit = field.maxLength, !ColumnLengths.fits(text, limit) {
                    violations.append(Violation(path: "\(path)/\(field.name)", message: "is longer than \(limit) characters (\(text.unicodeScalars.count))"))
                }
                values.append(.text(field.kind == .lowercasedText ? text.lowercased() : text))
            default:
                let expected = switch field.kind {
                case .boolean: "true or false"
                case .number: "a number"
                default: "a string"
                }
                violations.append(Violation(path: "\(path)/\(field.name)", message: "must be \(expected), not \(value.kindPhrase)"))
                values.append(.null)
            }
        }
        // created_at: the caller's (for back-filled records) or now, in the dialect's form.
        let builder = SQLStatementBuilder(dialect: dialect)
        switch record["created_at"] {
        case nil, .null?:
            values.append(builder.timestampValue(Timestamp.now()))
        case .string(let text)?:
            if let timestamp = Timestamp(parsing: text) {
                // Both engines get the time as ToolHost read it, so they agree on what it means.
                values.append(builder.timestampValue(timestamp))
            } else {
                violations.append(Violation(path: "\(path)/created_at", message: "must be an ISO-8601 timestamp, not \"\(text)\""))
            }
        case let other?:
            violations.append(Violation(path: "\(path)/created_at", message: "must be an ISO-8601 timestamp, not \(other.kindPhrase)"))
        }
        return (values, violations)
    }
}

extension RecordSpec {
    /// The values of one record (the operation's own input), or an invalid_input error.
    func values(of input: OperationInput, dialect: SQLDialect, tool: String) throws(ToolHostError) -> [SQLValue] {
        let result = values(of: input.fields, path: "", dialect: dialect)
        guard result.violations.isEmpty else { throw ToolHostError.invalidInput(result.violations, tool: tool) }
        return result.values
    }

    /// The values of a batch's records, produced as the bulk insert consumes them, so that
    /// checking and converting rows overlaps with the database's work instead of preceding it.
    /// At the first invalid record the stream ends and gathers every violation (up to 100)
    /// from the rest; the caller then rolls back, so nothing is stored unless all are valid.
    /// `progress` hears how many records have been made into rows for the database, of how many.
    func stream(_ records: [JSONValue], field: String, dialect: SQLDialect, progress: ProgressReporter? = nil) -> RecordStream {
        RecordStream(spec: self, records: records, field: field, dialect: dialect, progress: progress)
    }
    /// Inserts one record and returns its id.
    func insert(_ values: [SQLValue], on connection: any DatabaseConnection) throws(DatabaseError) -> JSONValue {
        try insert(values, returning: "id", on: connection)["id"] ?? .null
    }

    /// Inserts one record and returns the `returning` columns of its row.
    func insert(_ values: [SQLValue], returning: String, on connection: any DatabaseConnection) throws(DatabaseError) -> JSONObject {
        var builder = SQLStatementBuilder(dialect: connection.dialect)
        let placeholders = values.map { builder.bind($0) }
        let sql = "INSERT INTO \(builder.table(table)) (\(columns.map(SQLIdentifier.quote).joined(separator: ", "))) "
            + "VALUES (\(placeholders.joined(separator: ", "))) RETURNING \(returning)"
        return try connection.run(sql, builder.values).rows.first ?? [:]
    }
}

/// See `RecordSpec.stream`.
final class RecordStream: Sequence, IteratorProtocol {
    private let spec: RecordSpec
    private let records: [JSONValue]
    private let field: String
    private let dialect: SQLDialect
    private let progress: ProgressReporter?
    private var index = 0
    private(set) var violations: [Violation] = []

    /// Records between two progress reports (each report costs a clock read and a lock).
    private static let reportEvery = 256

    init(spec: RecordSpec, records: [JSONValue], field: String, dialect: SQLDialect, progress: ProgressReporter?) {
        self.spec = spec
        self.records = records
        self.field = field
        self.dialect = dialect
        self.progress = progress
    }

    /// Every record, so that the database can plan for the batch's size (SQLite sets its
    /// indexes aside for a large one). A stream cut short by an invalid record yields fewer,
    /// but then the whole batch is rolled back.
    var underestimatedCount: Int { records.count }

    func next() -> [SQLValue]? {
        guard violations.isEmpty, index < records.count else { return nil }
        let position = index
        index += 1
        if let progress, index % Self.reportEvery == 0 || index == records.count {
            progress.report(done: index, total: records.count, message: field.isEmpty ? nil : "storing \(field)")
        }
        if let values = check(position) { return values }
        // Invalid: stop producing rows, and report the rest's problems too.
        for rest in index..<records.count where violations.count < 100 { _ = check(rest) }
        return nil
    }

    /// Where a record's violations point: `/logs/3`, or the root for a single record (no field).
    private func path(_ position: Int) -> String {
        field.isEmpty ? "" : "/\(field)/\(position)"
    }

    private func check(_ position: Int) -> [SQLValue]? {
        guard case .object(let object) = records[position] else {
            violations.append(Violation(path: path(position), message: "must be an object"))
            return nil
        }
        let result = spec.values(of: object, path: path(position), dialect: dialect)
        violations += result.violations
        return result.violations.isEmpty ? result.values : nil
    }
}
