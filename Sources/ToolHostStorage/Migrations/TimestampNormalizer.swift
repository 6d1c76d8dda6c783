/// Rewrites the timestamps of adopted SQLite rows into the one spelling ToolHost stores
/// (`Timestamp.storageText`). SQLite compares timestamps as text: an older deployment's
/// `2024-05-01 10:00:00` sorts before `2024-05-01T00:00:00.000000Z` (space < T), so time
/// filters would miss it. Values that do not read as a time are left as they are.
public enum TimestampNormalizer {
    public static func normalize(_ table: TableName, columns: [String], on connection: any DatabaseConnection) throws(DatabaseError) {
        guard connection.dialect == .sqlite else { return }
        let name = SQLIdentifier.quote(table.name)
        for column in columns {
            let quoted = SQLIdentifier.quote(column)
            let rows = try connection.run("""
                SELECT rowid AS row_id, CAST(\(quoted) AS TEXT) AS value FROM \(name)
                WHERE \(quoted) IS NOT NULL AND CAST(\(quoted) AS TEXT) NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'
                """).rows
            for row in rows {
                guard let rowID = row["row_id"]?.integerValue, let text = row["value"]?.stringValue,
                      let time = Timestamp(parsing: text) else { continue }
                _ = try connection.run("UPDATE \(name) SET \(quoted) = ?1 WHERE rowid = ?2", [.text(time.storageText), .integer(Int64(rowID))])
            }
        }
    }
}
