import ToolHostCore
import ToolHostStorage

/// `create_table`: `{table, columns: {name: type}, primary_key, if_not_exists}` with types from
/// an allow-list, rendered for the configured dialect.
enum CreateTable {
    /// Accepted column types (lower-case, without length) and their SQLite spelling; the
    /// PostgreSQL spelling is the type as written.
    static let types: [String: String] = [
        "text": "TEXT", "varchar": "TEXT", "char": "TEXT", "character varying": "TEXT",
        "integer": "INTEGER", "int": "INTEGER", "int4": "INTEGER", "smallint": "INTEGER", "bigint": "INTEGER", "int8": "INTEGER",
        "serial": "INTEGER", "bigserial": "INTEGER",
        "boolean": "BOOLEAN", "bool": "BOOLEAN",
        "real": "REAL", "double precision": "REAL", "float": "REAL", "float8": "REAL", "numeric": "REAL", "decimal": "REAL",
        "date": "TEXT", "timestamp": "TIMESTAMP", "timestamptz": "TIMESTAMP", "timestamp with time zone": "TIMESTAMP",
        "json": "JSON", "jsonb": "JSON", "uuid": "TEXT", "bytea": "BLOB", "blob": "BLOB",
        "text[]": "JSON", "integer[]": "JSON", "bigint[]": "JSON",
    ]

    /// `columns` (at least one, each a type name) and `primary_key` (a name or a list of
    /// names) come shaped by the schema; the types and the key's columns are checked here.
    static func run(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let tableText = try input.string("table")
        guard let table = TableName(parsing: tableText) else { throw input.invalid("table", "must be a table name or schema.table") }
        let columns = try input.object("columns")
        let primaryKey: [String] = switch input["primary_key"] {
        case .string(let column)?: [column]
        default: try input.optionalArray("primary_key")?.compactMap(\.stringValue) ?? []
        }
        if let missing = primaryKey.first(where: { columns[$0] == nil }) {
            throw input.invalid("primary_key", "names '\(missing)', which is not one of the columns")
        }
        var definitions: [String] = []
        for (column, typeValue) in columns {
            let written = typeValue.stringValue ?? ""
            definitions.append("\(SQLIdentifier.quote(column)) \(try sqlType(written, column: column, dialect: call.dialect, tool: call.toolID))")
        }
        if !primaryKey.isEmpty {
            definitions.append("PRIMARY KEY (\(primaryKey.map(SQLIdentifier.quote).joined(separator: ", ")))")
        }
        let name = call.dialect == .postgres ? table.quoted : SQLIdentifier.quote(table.name)
        let ifNotExists = try input.optionalBool("if_not_exists") ?? true
        try call.connection.executeScript("CREATE TABLE \(ifNotExists ? "IF NOT EXISTS " : "")\(name) (\(definitions.joined(separator: ", ")))")
        return .fields(["rows_affected": 0, "table": .string(tableText)])
    }

    /// The allowed type in the dialect's spelling; `varchar(255)` and `numeric(10,2)` keep
    /// their (validated) arguments on PostgreSQL; `not null` may follow any type.
    private static func sqlType(_ written: String, column: String, dialect: SQLDialect, tool: String) throws(ToolHostError) -> String {
        var text = written.lowercased().trimmingSpaces
        var suffix = ""
        if text.hasSuffix(" not null") {
            text = String(text.dropLast(" not null".count)).trimmingSpaces
            suffix = " NOT NULL"
        }
        var base = text
        var arguments = ""
        if let open = text.firstIndex(of: "("), text.hasSuffix(")") {
            base = String(text[..<open]).trimmingSpaces
            arguments = String(text[open...])
            let inner = arguments.dropFirst().dropLast()
            guard !inner.isEmpty, inner.allSatisfy({ $0.isNumber || $0 == "," || $0 == " " }) else {
                throw ToolHostError.invalidInput([Violation(path: "/columns/\(column)", message: "has invalid type arguments \(arguments)")], tool: tool)
            }
        }
        guard let sqliteType = types[base] else {
            throw ToolHostError.invalidInput([Violation(
                path: "/columns/\(column)",
                message: "has the type \"\(written)\", which is not allowed; use one of \(types.keys.sorted().joined(separator: ", "))")], tool: tool)
        }
        switch dialect {
        case .postgres: return base.uppercased() + arguments + suffix
        case .sqlite: return sqliteType + suffix
        }
    }
}

