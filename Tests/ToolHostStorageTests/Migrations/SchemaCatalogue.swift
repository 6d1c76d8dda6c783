import ToolHostCore
import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory
import ToolHostTestSupport

/// A database's schema as its engine's catalogue describes it, one line per fact (a table, a
/// column with its type, default and nullability, a constraint, an index, a trigger, a view, a
/// function, an extension), sorted: two databases have the same schema when their lines are
/// equal, and the lines that differ say how.
///
/// SQLite: `sqlite_master` with `pragma table_info` and `foreign_key_list` (of a table's stored
/// CREATE text only whether it says AUTOINCREMENT: ADD COLUMN rewrites the rest). PostgreSQL: `pg_class`,
/// `information_schema.columns`, `pg_constraint`, `pg_indexes`, `pg_trigger`, `pg_views`,
/// `pg_proc` (functions of extensions left out) and `pg_extension`, over every schema that is
/// not the server's own. SQL texts are compared with their runs of white space made one space.
struct SchemaCatalogue: Equatable {
    let lines: [String]

    init(_ connection: any DatabaseConnection) throws {
        var lines = connection.dialect == .sqlite ? try Self.sqliteLines(connection) : try Self.postgresLines(connection)
        lines.sort()
        self.lines = lines
    }

    /// The lines only one of the two has, marked `-` (only in `self`) and `+` (only in `other`).
    func differences(from other: SchemaCatalogue) -> [String] {
        let mine = Set(lines), theirs = Set(other.lines)
        return lines.filter { !theirs.contains($0) }.map { "- " + $0 } + other.lines.filter { !mine.contains($0) }.map { "+ " + $0 }
    }

    static func normalized(_ sql: String) -> String {
        sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    private static func sqliteLines(_ connection: any DatabaseConnection) throws -> [String] {
        var lines: [String] = []
        let objects = try connection.run("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").rows
        for object in objects {
            let type = object["type"]?.stringValue ?? "", name = object["name"]?.stringValue ?? ""
            let table = object["tbl_name"]?.stringValue ?? "", sql = normalized(object["sql"]?.stringValue ?? "")
            let quoted = SQLIdentifier.quote(name)
            if type == "table" && !sql.hasPrefix("CREATE VIRTUAL") {
                lines.append("table \(name)" + (sql.contains("AUTOINCREMENT") ? " AUTOINCREMENT" : ""))
                for column in try connection.run("SELECT * FROM pragma_table_info(\(SQLIdentifier.quote(name)))").rows {
                    lines.append("column \(name).\(text(column["name"])) \(text(column["type"])) notnull=\(text(column["notnull"])) "
                        + "default=\(text(column["dflt_value"])) pk=\(text(column["pk"]))")
                }
                for key in try connection.run("SELECT * FROM pragma_foreign_key_list(\(SQLIdentifier.quote(name)))").rows {
                    lines.append("foreign key \(name).\(text(key["from"])) -> \(text(key["table"]))(\(text(key["to"])))")
                }
            } else if type == "index" && sql.isEmpty {
                let columns = try connection.run("SELECT name FROM pragma_index_info(\(quoted)) ORDER BY seqno").rows.map { text($0["name"]) }
                lines.append("index \(name) on \(table) (automatic): \(columns.joined(separator: ", "))")
            } else {
                lines.append("\(type) \(name) on \(table): \(sql)")
            }
        }
        return lines
    }

    private static let userSchemas = "NOT IN ('pg_catalog', 'information_schema') AND {n} NOT LIKE 'pg_toast%' AND {n} NOT LIKE 'pg_temp%'"

    private static func userSchema(_ column: String) -> String {
        "\(column) " + userSchemas.replacing("{n}", with: column)
    }

    private static func postgresLines(_ connection: any DatabaseConnection) throws -> [String] {
        let queries = [
            "SELECT 'relation ' || n.nspname || '.' || c.relname || ' kind=' || c.relkind::text AS line FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND \(userSchema("n.nspname"))",
            "SELECT 'column ' || table_schema || '.' || table_name || '.' || column_name || ' #' || ordinal_position || ' ' || data_type "
                + "|| coalesce('(' || character_maximum_length || ')', '') || ' nullable=' || is_nullable || ' default=' || coalesce(column_default, '') "
                + "|| ' generated=' || coalesce(generation_expression, '') AS line FROM information_schema.columns WHERE \(userSchema("table_schema"))",
            "SELECT 'constraint ' || c.conrelid::regclass::text || '.' || c.conname || ': ' || pg_get_constraintdef(c.oid) AS line FROM pg_constraint c "
                + "JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.conrelid <> 0 AND \(userSchema("n.nspname"))",
            "SELECT 'index ' || schemaname || '.' || indexname || ': ' || indexdef AS line FROM pg_indexes WHERE \(userSchema("schemaname"))",
            "SELECT 'trigger ' || t.tgrelid::regclass::text || '.' || t.tgname || ': ' || pg_get_triggerdef(t.oid) AS line FROM pg_trigger t WHERE NOT t.tgisinternal",
            "SELECT 'view ' || schemaname || '.' || viewname || ': ' || definition AS line FROM pg_views WHERE \(userSchema("schemaname"))",
            "SELECT 'function ' || n.nspname || '.' || p.proname || ': ' || pg_get_functiondef(p.oid) AS line FROM pg_proc p "
                + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE \(userSchema("n.nspname")) "
                + "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')",
            "SELECT 'extension ' || extname AS line FROM pg_extension",
        ]
        var lines: [String] = []
        for query in queries {
            lines += try connection.run(query).rows.map { normalized(text($0["line"])) }
        }
        return lines
    }

    private static func text(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: ""
        case .string(let text)?: text
        case let value?: JSONWriter.string(value)
        }
    }
}
