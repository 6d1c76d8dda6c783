/// One numbered schema change, for both dialects. Migrations only add (tables, columns,
/// indexes), so they can adopt tables an older deployment already has without losing rows.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let apply: @Sendable (any DatabaseConnection) throws(DatabaseError) -> Void

    public init(_ version: Int, _ name: String, apply: @escaping @Sendable (any DatabaseConnection) throws(DatabaseError) -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }
}

extension DatabaseConnection {
    /// Adds a column unless the table has it (SQLite has no ADD COLUMN IF NOT EXISTS).
    public func addColumnIfMissing(_ table: TableName, _ column: String, definition: String) throws(DatabaseError) {
        guard try !columns(of: table).contains(where: { $0.name == column }) else { return }
        let target = dialect == .postgres ? table.quoted : SQLIdentifier.quote(table.name)
        try executeScript("ALTER TABLE \(target) ADD COLUMN \(SQLIdentifier.quote(column)) \(definition)")
    }
}
