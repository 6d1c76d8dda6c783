import ToolHostCore

extension MonthlyPartitions {
    /// Turns the table `spec` describes into a monthly-partitioned one, keeping every row, every
    /// id and the id sequence (new rows continue after the old ones), then makes the spec's
    /// indexes on it. A table that is already partitioned is left alone. PostgreSQL only: the
    /// caller runs it inside the migration's transaction, so a failure changes nothing.
    ///
    /// PostgreSQL cannot partition a table in place: the old table is renamed aside, a
    /// partitioned one with the same columns, defaults and constraints (`LIKE`) takes its
    /// name, gets partitions for every month its rows cover plus the current one and
    /// `monthsAhead` more (and the DEFAULT partition), the rows are copied across and the old
    /// table dropped. The primary key becomes `(id, created_at)`: a partitioned table's unique
    /// keys must hold the partition key. Ids stay unique all the same, since they all come
    /// from the one sequence.
    public static func convert(_ spec: TableSpec, monthsAhead: Int, now: Timestamp = .now(),
                        on connection: any DatabaseConnection) throws(DatabaseError) {
        let partitions = MonthlyPartitions(spec.table)
        try spec.create(on: connection)  // a table dropped by hand comes back first
        guard try !partitions.isPartitioned(on: connection) else { return }
        try partitions.convertInPlace(spec, monthsAhead: monthsAhead, now: now, on: connection)
    }

    private func convertInPlace(_ spec: TableSpec, monthsAhead: Int, now: Timestamp,
                                on connection: any DatabaseConnection) throws(DatabaseError) {
        let target = table.quoted
        let old = TableName(table.name + "_unpartitioned", schema: table.schema)
        let key = SQLIdentifier.quote(Self.key)
        try connection.executeScript("LOCK TABLE \(target) IN ACCESS EXCLUSIVE MODE")
        let sequence = try idSequence(on: connection)
        let columns = try connection.columns(of: table).map(\.name)
        // The sequence outlives the old table (it would be dropped with it) and serves the new one.
        try connection.executeScript("""
            ALTER SEQUENCE \(sequence) OWNED BY NONE;
            ALTER TABLE \(target) RENAME TO \(SQLIdentifier.quote(old.name));
            CREATE TABLE \(target) (LIKE \(old.quoted) INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED
                INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE (\(key));
            CREATE TABLE \(defaultPartition.quoted) PARTITION OF \(target) DEFAULT
            """)
        let current = PartitionMonth(containing: now)
        try create(try monthsHeld(by: old, on: connection) + current.through(current.advanced(by: max(monthsAhead, 0))), on: connection)
        // A row without a time (only raw SQL could store one) gets the conversion's: the key
        // of a partitioned table cannot be NULL. It is kept, as retention kept it before.
        let quoted = columns.map(SQLIdentifier.quote).joined(separator: ", ")
        let values = columns.map { $0 == Self.key ? "COALESCE(\(key), now())" : SQLIdentifier.quote($0) }.joined(separator: ", ")
        try connection.executeScript("""
            INSERT INTO \(target) (\(quoted)) SELECT \(values) FROM \(old.quoted);
            DROP TABLE \(old.quoted);
            ALTER TABLE \(target) ADD PRIMARY KEY ("id", \(key));
            ALTER SEQUENCE \(sequence) OWNED BY \(target)."id"
            """)
        try spec.create(on: connection)  // the indexes, now partitioned indexes
    }

    /// The sequence behind `id` (a SERIAL's, quoted as the catalogue spells it), or an error
    /// saying why this table cannot be converted.
    private func idSequence(on connection: any DatabaseConnection) throws(DatabaseError) -> String {
        let row = try connection.run("""
            SELECT pg_get_serial_sequence($1, 'id') AS sequence,
                   (SELECT a.attidentity::text FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attname = 'id') AS identity
            """, [.text(table.quoted)]).rows.first
        guard let sequence = row?["sequence"]?.stringValue, (row?["identity"]?.stringValue ?? "").isEmpty else {
            throw DatabaseError(.statement, "\(table).id does not take its values from a sequence of its own (SERIAL), so ToolHost cannot partition \(table) keeping its ids",
                                hint: "Give the column a SERIAL default, or partition the table by hand and record migration 7.")
        }
        return sequence
    }

    /// The months the rows of `table` fall in (UTC).
    private func monthsHeld(by table: TableName, on connection: any DatabaseConnection) throws(DatabaseError) -> [PartitionMonth] {
        let key = SQLIdentifier.quote(Self.key)
        return try connection.run("""
            SELECT DISTINCT extract(year FROM \(key) AT TIME ZONE 'UTC')::int AS year, extract(month FROM \(key) AT TIME ZONE 'UTC')::int AS month
            FROM \(table.quoted) WHERE \(key) IS NOT NULL
            """).rows.compactMap { row in
            guard let year = row["year"]?.integerValue, let month = row["month"]?.integerValue else { return nil }
            return PartitionMonth(year: year, month: month)
        }
    }
}
