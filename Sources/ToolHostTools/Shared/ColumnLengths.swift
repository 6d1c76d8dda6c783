import ToolHostCore
import ToolHostMemory
import ToolHostStorage

/// The most characters each length-limited text column of ToolHost's own tables takes
/// (`VARCHAR(n)` on PostgreSQL, plain `TEXT` on SQLite).
///
/// SQLite would store a 10,000-character `task_type` that PostgreSQL refuses: the same call
/// must not succeed on one engine and fail on the other, so stores check these limits before
/// either engine sees the values.
public enum ColumnLengths {
    private static let limits: [TableName: [String: Int]] = {
        var limits: [TableName: [String: Int]] = [:]
        let specs = BulkSchema.tables + TrainingSchema.tables + ConversationSchema.tables + [ConversationSchema.toolCallColumns] + MemorySchema.tables + PromptEvolutionSchema.tables
        for spec in specs {
            for column in spec.columns {
                if case .string(let length) = column.type { limits[spec.table, default: [:]][column.name] = length }
            }
        }
        return limits
    }()

    /// Column name → most characters, for `table` (empty for a table of no such columns).
    public static func limits(of table: TableName) -> [String: Int] {
        limits[table] ?? [:]
    }

    /// Whether `text` fits `limit` characters as PostgreSQL counts them (code points).
    public static func fits(_ text: String, _ limit: Int) -> Bool {
        text.utf8.count <= limit || text.unicodeScalars.count <= limit
    }
}
