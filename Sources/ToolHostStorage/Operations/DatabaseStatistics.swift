import ToolHostCore

/// `db stats`: per table its rows (counted exactly), its size on disk and its indexes; on
/// PostgreSQL also how often each index and sequential scan was used, dead rows and the last
/// vacuum and analyze.
///
/// SQLite keeps no usage counters; sizes come from the `dbstat` table when SQLite was built
/// with it, otherwise only the whole file's size is known (`table_bytes` is null).
public enum DatabaseStatistics {
    public static func collect(_ settings: DatabaseSettings) throws(ToolHostError) -> JSONObject {
        if settings.kind == .sqlite && !FileIO.isFile(settings.path) {
            throw ToolHostError(.notFound, "There is no SQLite database at \(settings.path) yet (it is created on first use, or by `toolhost db migrate`).")
        }
        let connection = try OperationConnection.open(settings)
        return try PostgresBackupFolder.sql { () throws(DatabaseError) -> JSONObject in
            var answer: JSONObject = ["success": true, "engine": .string(settings.kind.rawValue), "database": .string(settings.displayName)]
            switch settings.kind {
            case .sqlite: try sqlite(connection, path: settings.path, into: &answer)
            case .postgres: try postgres(connection, into: &answer)
            }
            return answer
        }
    }

    // MARK: SQLite

    static func sqliteFullTextTables(_ connection: any DatabaseConnection) throws(DatabaseError) -> [String] {
        try connection.run("""
            SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%' AND lower(sql) LIKE '%using fts5%' ORDER BY name
            """).rows.compactMap { $0["name"]?.stringValue }
    }

    private static func sqlite(_ connection: any DatabaseConnection, path: String, into answer: inout JSONObject) throws(DatabaseError) {
        func pragma(_ name: String) throws(DatabaseError) -> Int { try connection.run("PRAGMA \(name)").rows.first.flatMap { row in row.keys.first.flatMap { row[$0] } }?.integerValue ?? 0 }
        let pageSize = try pragma("page_size")
        // dbstat is a compile-time option: without it the query fails and sizes are unknown.
        var sizes: [String: Int]?
        if let rows = try? connection.run("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name").rows {
            sizes = Dictionary(rows.compactMap { row in row["name"]?.stringValue.map { ($0, row["bytes"]?.integerValue ?? 0) } }, uniquingKeysWith: +)
        }
        let fullText = try sqliteFullTextTables(connection)
        let shadowSuffixes = ["_data", "_idx", "_content", "_docsize", "_config"]
        func isShadow(_ name: String) -> Bool { fullText.contains { table in shadowSuffixes.contains { name == table + $0 } } }
        let objects = try connection.run("SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND type IN ('table', 'index') ORDER BY name").rows
        var tables: [JSONValue] = []
        for object in objects where object["type"]?.stringValue == "table" {
            guard let name = object["name"]?.stringValue, !isShadow(name) else { continue }
            var entry: JSONObject = ["name": .string(name)]
            if fullText.contains(name) {
                entry["kind"] = "full_text"
                entry["rows"] = .null
                entry["table_bytes"] = sizes.map { sizes in .int(shadowSuffixes.reduce(0) { $0 + (sizes[name + $1] ?? 0) }) } ?? .null
            } else {
                entry["kind"] = "table"
                entry["rows"] = try connection.run("SELECT count(*) AS n FROM \(SQLIdentifier.quote(name))").rows.first?["n"] ?? .null
                entry["table_bytes"] = sizes.map { .int($0[name] ?? 0) } ?? .null
            }
            entry["indexes"] = .array(objects.filter { $0["type"]?.stringValue == "index" && $0["tbl_name"]?.stringValue == name }.map { index in
                let indexName = index["name"]?.stringValue ?? ""
                return ["name": .string(indexName), "bytes": sizes.map { .int($0[indexName] ?? 0) } ?? .null]
            })
            tables.append(.object(entry))
        }
        answer["path"] = .string(path)
        answer["bytes"] = .int(FileIO.size(of: path) ?? 0)
        answer["wal_bytes"] = .int(FileIO.size(of: path + "-wal") ?? 0)
        answer["page_size"] = .int(pageSize)
        answer["pages"] = .int(try pragma("page_count"))
        answer["free_pages"] = .int(try pragma("freelist_count"))
        answer["sizes_per_table"] = .bool(sizes != nil)
        answer["tables"] = .array(tables)
    }

    // MARK: PostgreSQL

    /// The schemas that hold tables (not the system's): what backup and reindex cover.
    static func postgresSchemas(_ connection: any DatabaseConnection) throws(DatabaseError) -> [String] {
        try connection.run("""
            SELECT n.nspname AS schema FROM pg_namespace n
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
              AND EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p'))
            ORDER BY n.nspname <> 'public', n.nspname
            """).rows.compactMap { $0["schema"]?.stringValue }
    }

    private static func postgres(_ connection: any DatabaseConnection, into answer: inout JSONObject) throws(DatabaseError) {
        let tables = try connection.run("""
            SELECT s.relid::bigint AS oid, s.schemaname AS schema, s.relname AS name, pg_total_relation_size(s.relid) AS total_bytes,
                   pg_relation_size(s.relid) AS table_bytes, pg_indexes_size(s.relid) AS index_bytes,
                   s.n_live_tup AS estimated_rows, s.n_dead_tup AS dead_rows, s.seq_scan AS sequential_scans, coalesce(s.idx_scan, 0) AS index_scans,
                   greatest(s.last_vacuum, s.last_autovacuum)::text AS last_vacuum, greatest(s.last_analyze, s.last_autoanalyze)::text AS last_analyze
            FROM pg_stat_user_tables s ORDER BY s.schemaname <> 'public', s.schemaname, s.relname
            """).rows
        let indexes = try connection.run("""
            SELECT i.relid::bigint AS table_oid, i.indexrelname AS name, pg_relation_size(i.indexrelid) AS bytes,
                   i.idx_scan AS scans, i.idx_tup_read AS tuples_read
            FROM pg_stat_user_indexes i ORDER BY i.indexrelname
            """).rows + (try postgresPartitionedIndexes(connection))
        let partitions = try postgresPartitions(connection)
        var entries: [(oid: Int, entry: JSONObject)] = []
        for table in tables {
            var entry = table
            entry["oid"] = nil
            let oid = table["oid"]?.integerValue ?? 0
            let name = TableName(table["name"]?.stringValue ?? "", schema: table["schema"]?.stringValue)
            // A partitioned table's rows are its partitions' (summed below): counted once.
            let isParent = partitions.values.contains { $0.parent == oid }
            entry["rows"] = isParent ? .int(0) : try connection.run("SELECT count(*) AS n FROM \(name.quoted)").rows.first?["n"] ?? .null
            entry["indexes"] = .array(indexes.filter { $0["table_oid"] == table["oid"] }.map { index in
                var index = index
                index["table_oid"] = nil
                return .object(index)
            })
            entries.append((oid, entry))
        }
        answer["bytes"] = try connection.run("SELECT pg_database_size(current_database()) AS bytes").rows.first?["bytes"] ?? .null
        answer["tables"] = .array(nestingPartitions(entries, partitions).map { .object($0) })
    }
}
