import ToolHostCore

/// A PostgreSQL table partitioned by month of `created_at` (declarative RANGE partitions, one
/// per calendar month in UTC, named `<table>_y2026m12`, plus `<table>_default`), and what
/// ToolHost does with its partitions: list them, create the coming months' ahead of time, and
/// drop an old one once it is archived.
///
/// ```swift
/// let events = MonthlyPartitions(TrainingSchema.events)
/// try events.createAhead(monthsAhead: 3, on: connection)   // this month and the next three
/// ```
///
/// The DEFAULT partition takes any row whose month has no partition (imported or far-future
/// rows), so an insert never fails for want of a partition. Creating a month whose rows already
/// sit in the DEFAULT partition moves them into the new partition in the same transaction.
public struct MonthlyPartitions: Sendable {
    public let table: TableName

    /// The partition key: every partitioned table is partitioned on this column.
    public static let key = "created_at"

    /// How many months after the current one get a partition ahead, unless configured
    /// (`training.partition_months_ahead`).
    public static let defaultMonthsAhead = 3

    /// Serialises partition creation between processes (two `db maintain` runs at once).
    static let advisoryLock: Int64 = 7_263_830

    public init(_ table: TableName) { self.table = table }

    /// One partition as the catalogue lists it.
    public struct Partition: Sendable, Equatable {
        public let name: TableName
        /// The month it holds, read from its name; nil for the DEFAULT partition or a partition
        /// ToolHost did not name.
        public let month: PartitionMonth?
        public let isDefault: Bool
    }

    public func partitionName(_ month: PartitionMonth) -> TableName {
        TableName(table.name + "_" + month.suffix, schema: table.schema)
    }

    public var defaultPartition: TableName { TableName(table.name + "_default", schema: table.schema) }

    /// Whether the table exists and is partitioned (false on SQLite, and before migration 7).
    public func isPartitioned(on connection: any DatabaseConnection) throws(DatabaseError) -> Bool {
        guard connection.dialect == .postgres else { return false }
        let rows = try connection.run("SELECT c.relkind::text AS kind FROM pg_class c WHERE c.oid = to_regclass($1)",
                                      [.text(table.quoted)]).rows
        return rows.first?["kind"]?.stringValue == "p"
    }

    /// The partitions attached now, by name.
    public func partitions(on connection: any DatabaseConnection) throws(DatabaseError) -> [Partition] {
        guard connection.dialect == .postgres else { return [] }
        let rows = try connection.run("""
            SELECT n.nspname AS schema, c.relname AS name, pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' AS is_default
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE i.inhparent = to_regclass($1) ORDER BY c.relname
            """, [.text(table.quoted)]).rows
        return rows.compactMap { row in
            guard let name = row["name"]?.stringValue else { return nil }
            return Partition(name: TableName(name, schema: row["schema"]?.stringValue), month: PartitionMonth(partitionName: name, of: table.name),
                             isDefault: row["is_default"]?.boolValue == true)
        }
    }

    /// Creates the partitions of the current month and the `monthsAhead` after it that are
    /// missing; returns those it created. Does nothing unless the table is partitioned.
    @discardableResult
    public func createAhead(monthsAhead: Int, now: Timestamp = .now(),
                            on connection: any DatabaseConnection) throws(DatabaseError) -> [TableName] {
        guard try isPartitioned(on: connection) else { return [] }
        let current = PartitionMonth(containing: now)
        return try create(current.through(current.advanced(by: max(monthsAhead, 0))), on: connection)
    }

    /// Creates the partitions of `months` that are missing (by name, so running it again does
    /// nothing); returns those it created. Rows of such a month waiting in the DEFAULT partition
    /// move into the new partition, in the same transaction.
    @discardableResult
    public func create(_ months: [PartitionMonth], on connection: any DatabaseConnection) throws(DatabaseError) -> [TableName] {
        try connection.transaction { () throws(DatabaseError) -> [TableName] in
            _ = try connection.run("SELECT pg_advisory_xact_lock($1)", [.integer(Self.advisoryLock)])
            let attached = try partitions(on: connection)
            let existing = Set(attached.map(\.name.name))
            let missing = Set(months).sorted().filter { !existing.contains(partitionName($0).name) }
            guard !missing.isEmpty else { return [] }
            let defaultPartition = attached.first { $0.isDefault }?.name
            if let defaultPartition {
                // Writers into the DEFAULT partition wait until the moves are done; writers into
                // the month partitions, and readers, do not.
                try connection.executeScript("LOCK TABLE \(defaultPartition.quoted) IN EXCLUSIVE MODE")
            }
            for month in missing {
                try create(month, movingRowsFrom: defaultPartition, on: connection)
            }
            return missing.map(partitionName)
        }
    }

    private func create(_ month: PartitionMonth, movingRowsFrom defaultPartition: TableName?,
                        on connection: any DatabaseConnection) throws(DatabaseError) {
        let partition = partitionName(month).quoted
        let bounds = "FOR VALUES FROM ('\(month.lowerBound)') TO ('\(month.upperBound)')"
        let key = SQLIdentifier.quote(Self.key)
        let inMonth = "\(key) >= '\(month.lowerBound)' AND \(key) < '\(month.upperBound)'"
        guard let defaultPartition,
              try !connection.run("SELECT 1 AS found FROM \(defaultPartition.quoted) WHERE \(inMonth) LIMIT 1").rows.isEmpty else {
            try connection.executeScript("CREATE TABLE \(partition) PARTITION OF \(table.quoted) \(bounds)")
            return
        }
        // PostgreSQL refuses a partition for rows the DEFAULT partition holds: the month is made
        // as a plain table, its rows moved in, and then attached (which builds its indexes).
        let columns = try connection.columns(of: table).map { SQLIdentifier.quote($0.name) }.joined(separator: ", ")
        try connection.executeScript("""
            CREATE TABLE \(partition) (LIKE \(table.quoted) INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
            WITH moved AS (DELETE FROM \(defaultPartition.quoted) WHERE \(inMonth) RETURNING \(columns))
                INSERT INTO \(partition) (\(columns)) SELECT \(columns) FROM moved;
            ALTER TABLE \(table.quoted) ATTACH PARTITION \(partition) \(bounds)
            """)
    }

    /// Takes `partition` for archiving, in the open transaction: false when another retention
    /// run has it (it archives it), or it is no partition of this table any more. Writers into it
    /// then wait until the transaction ends; readers do not.
    public func lockForArchiving(_ partition: TableName, on connection: any DatabaseConnection) throws(DatabaseError) -> Bool {
        let row = try connection.run("""
            SELECT pg_try_advisory_xact_lock(\(Self.advisoryLock + 1), (c.oid::bigint % 2147483647)::int) AS locked
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhrelid = to_regclass($1) AND i.inhparent = to_regclass($2)
            """, [.text(partition.quoted), .text(table.quoted)]).rows.first
        guard row?["locked"]?.boolValue == true else { return false }
        try connection.executeScript("LOCK TABLE \(partition.quoted) IN EXCLUSIVE MODE")
        return true
    }

    /// Detaches `partition` and drops it. The caller has archived its rows first, in the same
    /// transaction, holding a lock that keeps writers out.
    public func detachAndDrop(_ partition: TableName, on connection: any DatabaseConnection) throws(DatabaseError) {
        try connection.executeScript("""
            ALTER TABLE \(table.quoted) DETACH PARTITION \(partition.quoted);
            DROP TABLE \(partition.quoted)
            """)
    }
}
