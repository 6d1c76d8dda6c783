import ToolHostCore

/// `db stats` on partitioned tables (the training tables on PostgreSQL, `MonthlyPartitions`):
/// each partition is listed under its table, with its bound, rows and sizes, instead of beside
/// it; the table's own figures are its partitions' totals (PostgreSQL keeps none for it).
extension DatabaseStatistics {
    /// Figures of a partitioned table that are the sums of its partitions'.
    static let summedFigures = ["rows", "total_bytes", "table_bytes", "index_bytes", "estimated_rows", "dead_rows",
                                "sequential_scans", "index_scans"]

    /// Every partition's table and bound (`FOR VALUES FROM (...) TO (...)`, `DEFAULT`), by oid.
    static func postgresPartitions(_ connection: any DatabaseConnection) throws(DatabaseError) -> [Int: (parent: Int, bound: String)] {
        var partitions: [Int: (parent: Int, bound: String)] = [:]
        for row in try connection.run("""
            SELECT i.inhrelid::bigint AS oid, i.inhparent::bigint AS parent, pg_get_expr(c.relpartbound, c.oid) AS bound
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relispartition
            """).rows {
            guard let oid = row["oid"]?.integerValue, let parent = row["parent"]?.integerValue else { continue }
            partitions[oid] = (parent, row["bound"]?.stringValue ?? "")
        }
        return partitions
    }

    /// The indexes of partitioned tables (which `pg_stat_user_indexes` leaves out), each with
    /// the bytes and scans of its partitions' indexes added up.
    static func postgresPartitionedIndexes(_ connection: any DatabaseConnection) throws(DatabaseError) -> [JSONObject] {
        try connection.run("""
            SELECT x.indrelid::bigint AS table_oid, c.relname AS name,
                   (SELECT coalesce(sum(pg_relation_size(t.relid)), 0) FROM pg_partition_tree(x.indexrelid) t)::bigint AS bytes,
                   (SELECT coalesce(sum(s.idx_scan), 0) FROM pg_partition_tree(x.indexrelid) t
                        JOIN pg_stat_user_indexes s ON s.indexrelid = t.relid)::bigint AS scans,
                   (SELECT coalesce(sum(s.idx_tup_read), 0) FROM pg_partition_tree(x.indexrelid) t
                        JOIN pg_stat_user_indexes s ON s.indexrelid = t.relid)::bigint AS tuples_read
            FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
            WHERE c.relkind = 'I' AND NOT c.relispartition ORDER BY c.relname
            """).rows
    }

    /// `entries` (each table's figures, by oid) with every partition moved under its table's
    /// `partitions`, in name order, and the table's summed figures filled in.
    static func nestingPartitions(_ entries: [(oid: Int, entry: JSONObject)],
                                  _ partitions: [Int: (parent: Int, bound: String)]) -> [JSONObject] {
        var children: [Int: [JSONObject]] = [:]
        for (oid, entry) in entries {
            guard let partition = partitions[oid] else { continue }
            var child = entry
            child["bound"] = .string(partition.bound)
            children[partition.parent, default: []].append(child)
        }
        return entries.compactMap { oid, entry -> JSONObject? in
            guard partitions[oid] == nil else { return nil }  // listed under its table
            guard let parts = children[oid] else { return entry }
            var parent = entry
            for figure in summedFigures {
                parent[figure] = .int(parts.reduce(0) { $0 + ($1[figure]?.integerValue ?? 0) })
            }
            parent["partitions"] = .array(parts.map { .object($0) })
            return parent
        }
    }
}
