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
    private let fields: [(name: String, isRequired: Bool, kind: Kind)]

    enum Kind {
        case text, lowercasedText, json, number, boolean
    }

    init(table: TableName, required: [String], optional: [String], json: Set<String> = [], lowercased: Set<String> = [],
         numbers: Set<String> = [], booleans: Set<String> = []) {
        self.table = table
        self.required = required
        self.optional = optional
        fields = (required + optional).map { name in
            let kind: Kind = json.contains(name) ? .json : numbers.contains(name) ? .number : booleans.contains(name) ? .boolean
                : lowercased.contains(name) ? .lowercasedText : .text
            return (name, required.contains(name), kind)
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
            case (.text, .string(let text)): values.append(.text(text))
            case (.lowercasedText, .string(let text)): values.append(.text(text.lowercased()))
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

    /// The values of every record of a batch field (`logs`, `metrics`); all violations of all
    /// records are reported together and nothing is stored unless every record is valid.
    func batchValues(_ records: [JSONValue], field: String, dialect: SQLDialect, tool: String) throws(ToolHostError) -> [[SQLValue]] {
        var rows: [[SQLValue]] = []
        rows.reserveCapacity(records.count)
        var violations: [Violation] = []
        for (index, record) in records.enumerated() {
            guard case .object(let object) = record else {
                violations.append(Violation(path: "/\(field)/\(index)", message: "must be an object"))
                continue
            }
            let result = values(of: object, path: "/\(field)/\(index)", dialect: dialect)
            if result.violations.isEmpty { rows.append(result.values) } else { violations += result.violations }
            if violations.count >= 100 { break }
        }
        guard violations.isEmpty else { throw ToolHostError.invalidInput(violations, tool: tool) }
        return rows
    }

    /// Inserts one record and returns its id.
    func insert(_ values: [SQLValue], on connection: any DatabaseConnection) throws(DatabaseError) -> JSONValue {
        var builder = SQLStatementBuilder(dialect: connection.dialect)
        let placeholders = values.map { builder.bind($0) }
        let sql = "INSERT INTO \(builder.table(table)) (\(columns.map(SQLIdentifier.quote).joined(separator: ", "))) VALUES (\(placeholders.joined(separator: ", "))) RETURNING id"
        return try connection.run(sql, builder.values).rows.first?["id"] ?? .null
    }
}
