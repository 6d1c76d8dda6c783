import ToolHostCore
import ToolHostStorage

/// `apply_retention` for a table partitioned by month (PostgreSQL, migration 7): a month
/// partition whose whole range is older than the cutoff is archived to the same dated JSONL file
/// as the row path writes, synced, and only then detached and dropped — one transaction per
/// partition, holding it against writers. What is left (a month partly older than the cutoff,
/// old rows in the DEFAULT partition) goes the row path afterwards.
///
/// The partition is dropped, not kept as a detached table: the JSONL archive is what retention
/// keeps, in one format for both paths and both engines, and freeing the disk is the point of
/// retention; a detached table would stay in backups and `db stats` as if it were live data.
struct PartitionRetention {
    let partitions: MonthlyPartitions
    let cutoff: Timestamp

    struct Outcome {
        var rows = 0
        var dropped: [TableName] = []
    }

    func archiveWholeMonths(to file: String, on connection: any DatabaseConnection) throws(ToolHostError) -> Outcome {
        let old = try withDatabaseErrors { () throws(DatabaseError) in try partitions.partitions(on: connection) }
            .filter { partition in partition.month.map { $0.next.start <= cutoff } ?? false }
        var outcome = Outcome()
        for partition in old {
            guard let rows = try archiveAndDrop(partition.name, to: file, on: connection) else { continue }
            outcome.rows += rows
            outcome.dropped.append(partition.name)
        }
        return outcome
    }

    /// The rows archived, or nil when the partition was left alone (another retention run has
    /// it, or a row in it is not older than the cutoff after all: a partition someone else
    /// made under ToolHost's name).
    private func archiveAndDrop(_ partition: TableName, to file: String, on connection: any DatabaseConnection) throws(ToolHostError) -> Int? {
        try connection.transaction { () throws(ToolHostError) -> Int? in
            let ready = try withDatabaseErrors { () throws(DatabaseError) -> Bool in
                guard try partitions.lockForArchiving(partition, on: connection) else { return false }
                return try !holdsRows(partition, notOlderThan: cutoff, on: connection)
            }
            guard ready else { return nil }
            let rows = try RetentionArchive.write(to: file) { (archive) throws(ToolHostError) -> Int in
                try stream(partition, into: archive, on: connection)
            }
            // The archive is on disk: only now does the partition go.
            try withDatabaseErrors { () throws(DatabaseError) in try partitions.detachAndDrop(partition, on: connection) }
            return rows
        }
    }

    private func holdsRows(_ partition: TableName, notOlderThan time: Timestamp, on connection: any DatabaseConnection) throws(DatabaseError) -> Bool {
        var builder = SQLStatementBuilder(dialect: connection.dialect)
        let sql = "SELECT 1 AS found FROM \(partition.quoted) WHERE \(SQLIdentifier.quote(MonthlyPartitions.key)) >= \(builder.bind(builder.timestampValue(time))) LIMIT 1"
        return try !connection.run(sql, builder.values).rows.isEmpty
    }

    /// Writes every row of `partition` to the archive as the row path writes them (the table's
    /// columns in order, one compact JSON object a line), a chunk at a time: memory stays flat
    /// however large the month.
    private func stream(_ partition: TableName, into archive: RetentionArchive, on connection: any DatabaseConnection) throws(ToolHostError) -> Int {
        var buffer: [UInt8] = []
        let columns = try withDatabaseErrors { () throws(DatabaseError) in
            try connection.columns(of: partitions.table).map { SQLIdentifier.quote($0.name) }.joined(separator: ", ")
        }
        let count = try connection.forEachRowAsJSON("SELECT \(columns) FROM \(partition.quoted) ORDER BY id", []) { (row) throws(ToolHostError) in
            row.appendJSON(to: &buffer)
            buffer.append(0x0A)
            guard buffer.count >= RetentionArchive.chunkBytes else { return }
            try archive.append(buffer)  // a failure stops the read
            buffer.removeAll(keepingCapacity: true)
        }
        try archive.append(buffer)
        return count
    }
}
