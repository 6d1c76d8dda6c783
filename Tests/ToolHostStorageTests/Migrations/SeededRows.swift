import ToolHostCore
import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory
import ToolHostTestSupport

/// One row in every table a database has (every column that takes a value given one, by its
/// type), and what those tables hold: a database at an earlier migration level is seeded, and
/// after the upgrade each table must still hold each row, unchanged.
///
/// Tables are found in the catalogue, so a table a future migration adds is seeded without a
/// change here. Left out: the Migrator's own record, SQLite's FTS5 tables and their shadow
/// tables, and `toolhost_search_sync` (search bookkeeping that a migration may rightly move on).
enum SeededRows {
    struct UnknownType: Error, CustomStringConvertible {
        let description: String
    }

    private static let bookkeeping: Set<String> = ["toolhost_migrations", "toolhost_search_sync"]

    /// Inserts one row in each table; a row whose foreign key names a table not seeded yet is
    /// tried again after the others (profiles before the steps that point at them).
    static func seed(_ connection: any DatabaseConnection) throws {
        var pending = try tables(connection)
        while !pending.isEmpty {
            var failed: [TableName] = []
            var lastError: (any Error)?
            for table in pending {
                do { try insertRow(into: table, connection) } catch {
                    failed.append(table)
                    lastError = error
                }
            }
            if failed.count == pending.count, let lastError { throw lastError }
            pending = failed
        }
    }

    /// Every row of every seeded table, by table, in primary-key order.
    static func snapshot(_ connection: any DatabaseConnection) throws -> [String: [JSONObject]] {
        var rows: [String: [JSONObject]] = [:]
        for table in try tables(connection) {
            rows[table.description] = try connection.run("SELECT * FROM \(table.quoted) ORDER BY 1").rows
        }
        return rows
    }

    private static func tables(_ connection: any DatabaseConnection) throws -> [TableName] {
        let names: [TableName]
        switch connection.dialect {
        case .sqlite:
            let objects = try connection.run("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").rows
            let virtual = objects.filter { ($0["sql"]?.stringValue ?? "").hasPrefix("CREATE VIRTUAL") }.compactMap { $0["name"]?.stringValue }
            names = objects.compactMap { $0["name"]?.stringValue }
                .filter { name in !virtual.contains { name == $0 || name.hasPrefix($0 + "_") } }
                .map { TableName($0) }
        case .postgres:
            names = try connection.run("""
                SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
                """).rows.compactMap { row in
                // Named as ToolHost names them: unqualified in the default schema.
                let schema = row["schema"]?.stringValue
                return row["name"]?.stringValue.map { TableName($0, schema: schema == "public" ? nil : schema) }
            }
        }
        return names.filter { !bookkeeping.contains($0.name) }.sorted { $0.description < $1.description }
    }

    private static func insertRow(into table: TableName, _ connection: any DatabaseConnection) throws {
        var columns: [String] = [], values: [String] = []
        for (name, type) in try valueColumns(of: table, connection) {
            columns.append(SQLIdentifier.quote(name))
            values.append(try literal(type: type, dialect: connection.dialect, table: table, column: name))
        }
        _ = try connection.run("INSERT INTO \(table.quoted) (\(columns.joined(separator: ", "))) VALUES (\(values.joined(separator: ", ")))")
    }

    /// The columns that take a value (not an auto-numbered id, not a generated column), with
    /// their declared types.
    private static func valueColumns(of table: TableName, _ connection: any DatabaseConnection) throws -> [(String, String)] {
        switch connection.dialect {
        case .sqlite:
            return try connection.run("SELECT name, type, pk FROM pragma_table_info(\(SQLIdentifier.quote(table.name)))").rows.compactMap { row in
                guard let name = row["name"]?.stringValue, let type = row["type"]?.stringValue else { return nil }
                let autoNumbered = row["pk"]?.integerValue == 1 && type.uppercased() == "INTEGER"
                return autoNumbered ? nil : (name, type)
            }
        case .postgres:
            return try connection.run("""
                SELECT column_name, data_type FROM information_schema.columns
                WHERE table_schema = $1 AND table_name = $2 AND is_generated = 'NEVER' AND is_identity = 'NO'
                  AND coalesce(column_default, '') NOT LIKE 'nextval(%' ORDER BY ordinal_position
                """, [.text(table.schema ?? "public"), .text(table.name)]).rows.compactMap { row in
                guard let name = row["column_name"]?.stringValue, let type = row["data_type"]?.stringValue else { return nil }
                return (name, type)
            }
        }
    }

    /// A value of `type` as an SQL literal: the same for every table, so that a foreign key
    /// (a profile's uuid) finds its row. Timestamps are now, so that a PostgreSQL row falls in a
    /// month partition a fresh database has too.
    private static func literal(type: String, dialect: SQLDialect, table: TableName, column: String) throws -> String {
        let now = "'" + Timestamp.now().storageText + "'"
        switch type.lowercased() {
        case "text", "character varying", "character": return "'seed'"
        case let declared where declared.hasPrefix("varchar("): return "'seed'"  // SQLite keeps the declared type
        case "integer", "bigint": return "1"
        case "real", "double precision", "numeric": return "0.5"
        case "boolean": return dialect == .postgres ? "TRUE" : "1"
        case "json", "jsonb": return #"'{"seed": true}'"#
        case "timestamp", "timestamp with time zone", "timestamp without time zone": return now
        case "uuid": return "'00000000-0000-4000-8000-000000000001'"
        case "blob": return "X'00FF'"
        case "bytea": return #"'\x00ff'"#
        default: throw UnknownType(description: "no seed value for \(table).\(column) of type \(type): teach SeededRows.literal it")
        }
    }
}

extension SeededRows {
    /// What became of the rows of `before` in `after`: a table that lost or gained rows, or a
    /// row whose value changed in a column it had (columns added since are not compared).
    static func changes(from before: [String: [JSONObject]], to after: [String: [JSONObject]]) -> [String] {
        var changes: [String] = []
        for (table, rows) in before.sorted(by: { $0.key < $1.key }) {
            let now = after[table] ?? []
            guard rows.count == now.count else {
                changes.append("\(table): \(rows.count) rows before, \(now.count) after")
                continue
            }
            for (old, new) in zip(rows, now) {
                for (column, value) in old where new[column] != value {
                    changes.append("\(table).\(column): \(value) before, \(new[column].map { "\($0)" } ?? "no column") after")
                }
            }
        }
        return changes
    }
}
