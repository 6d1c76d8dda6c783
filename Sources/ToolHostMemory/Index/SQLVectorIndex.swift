import ToolHostCore
import ToolHostStorage

/// The embedded default backend: vectors as float32 blobs in the configured database (SQLite
/// or PostgreSQL, table `memory_vectors`), cosine search in Swift.
///
/// A search needs the collection's vectors for the query's embedder as a `VectorMatrix`: this
/// process's copy (`ResidentVectors`) while the collection's generation is unchanged, else the
/// collection's vector file (`VectorMatrixFile`) when it is of that generation, else read from
/// the database, and the file written again. The search scans the int8 codes and rescores the
/// best exactly (`VectorQuantization`), or scores every float (`exact`); type and tag filters
/// pick the candidate rows before any is scored.
public struct SQLVectorIndex: VectorIndex {
    let connection: any DatabaseConnection
    /// Tells this database's resident copies and files from another's.
    let scope: String
    /// Where vector files are kept; nil keeps none (every new process reads the database).
    let fileDirectory: String?
    let scan: MemorySettings.VectorScan

    public init(connection: any DatabaseConnection, scope: String, fileDirectory: String? = nil, scan: MemorySettings.VectorScan = .quantized) {
        self.connection = connection
        self.scope = scope
        self.fileDirectory = fileDirectory
        self.scan = scan
    }

    var table: String { SQLStatementBuilder(dialect: connection.dialect).table(MemorySchema.vectors) }
    var generations: String { SQLStatementBuilder(dialect: connection.dialect).table(MemorySchema.generations) }

    public func upsert(_ records: [VectorRecord]) throws(ToolHostError) {
        guard !records.isEmpty else { return }
        try withDatabaseErrors { () throws(DatabaseError) in
            try connection.transaction { () throws(DatabaseError) in
                let now = SQLStatementBuilder(dialect: connection.dialect).timestampValue(.now())
                try connection.insertRows(
                    into: table,
                    columns: ["collection", "artifact_id", "artifact_type", "tags", "document", "content_hash", "embedder", "dimension", "embedding", "updated_at"]
                        + ValidityColumns.names,
                    rows: records.map { record in
                        [.text(record.collection), .text(record.artifactID), .text(record.artifactType),
                         .json(.array(record.tags.map { .string($0) })), .json(.object(record.document)), .text(record.contentHash),
                         .text(record.embedder), .integer(Int64(record.vector.count)), .blob(VectorBytes.encode(record.vector)), now]
                            + ValidityColumns.values(record.validity)
                    },
                    suffix: """
                        ON CONFLICT (collection, artifact_id) DO UPDATE SET artifact_type = excluded.artifact_type, tags = excluded.tags,
                            document = excluded.document, content_hash = excluded.content_hash, embedder = excluded.embedder,
                            dimension = excluded.dimension, embedding = excluded.embedding, updated_at = excluded.updated_at, \(ValidityColumns.updates)
                        """)
            }
        }
    }

    @discardableResult
    public func remove(collection: String, artifactIDs: [String]) throws(ToolHostError) -> Int {
        guard !artifactIDs.isEmpty else { return 0 }
        return try withDatabaseErrors { () throws(DatabaseError) in
            try connection.transaction { () throws(DatabaseError) in
                try connection.deleteRows(from: table, where: "artifact_id", in: artifactIDs, scope: ("collection", .text(collection)))
            }
        }
    }

    public func record(collection: String, artifactID: String) throws(ToolHostError) -> VectorRecord? {
        let rows = try withDatabaseErrors { () throws(DatabaseError) in
            try connection.run("""
                SELECT collection, artifact_id, artifact_type, tags, document, content_hash, embedder FROM \(table)
                WHERE collection = \(placeholder(1)) AND artifact_id = \(placeholder(2))
                """, [.text(collection), .text(artifactID)]).rows
        }
        return rows.first.map(Self.record(from:))
    }

    public func page(after cursor: VectorCursor?, limit: Int) throws(ToolHostError) -> [VectorRecord] {
        var builder = SQLStatementBuilder(dialect: connection.dialect)
        var condition = ""
        if let cursor {
            let collection = builder.bind(.text(cursor.collection))
            let id = builder.bind(.text(cursor.artifactID))
            condition = "WHERE collection > \(collection) OR (collection = \(collection) AND artifact_id > \(id))"
        }
        let sql = """
            SELECT collection, artifact_id, artifact_type, tags, document, content_hash, embedder FROM \(table) \(condition)
            ORDER BY collection, artifact_id LIMIT \(builder.bind(.integer(Int64(limit))))
            """
        let rows = try withDatabaseErrors { () throws(DatabaseError) in try connection.run(sql, builder.values).rows }
        return rows.map(Self.record(from:))
    }

    public func fingerprints(collection: String) throws(ToolHostError) -> [String: (contentHash: String, embedder: String)] {
        var result: [String: (contentHash: String, embedder: String)] = [:]
        _ = try withDatabaseErrors { () throws(DatabaseError) in
            try connection.forEachRawRow("SELECT artifact_id, content_hash, embedder FROM \(table) WHERE collection = \(placeholder(1))",
                                         [.text(collection)]) { row in
                guard let id = row.text(0) else { return }
                result[id] = (row.text(1) ?? "", row.text(2) ?? "")
            }
        }
        return result
    }

    public func search(_ query: VectorQuery) throws(ToolHostError) -> [VectorMatch] {
        let vectors = try resident(collection: query.collection, embedder: query.embedder)
        guard vectors.count > 0 else { return [] }
        guard vectors.dimension == query.vector.count else {
            throw ToolHostError(.dimensionMismatch, "The collection '\(query.collection)' holds vectors of \(vectors.dimension) dimensions, but the query has \(query.vector.count); run the reindex operation with \"all\": true after changing the embedder.")
        }
        let best = Self.best(query, in: vectors, scan: scan)
        let documents = try self.documents(collection: query.collection, ids: best.map { vectors.id($0.row) })
        return best.compactMap { entry in
            let id = vectors.id(entry.row)
            // A row deleted between reading the vectors and the documents is left out.
            return documents[id].map { VectorMatch(artifactID: id, score: entry.score, document: $0) }
        }
    }

    public func stats() throws(ToolHostError) -> [CollectionStats] {
        let rows = try withDatabaseErrors { () throws(DatabaseError) in
            try connection.run("SELECT collection, embedder, artifact_type, count(*) AS n FROM \(table) GROUP BY collection, embedder, artifact_type ORDER BY collection").rows
        }
        return CollectionStats.grouping(rows)
    }

    func documents(collection: String, ids: [String]) throws(ToolHostError) -> [String: JSONObject] {
        guard !ids.isEmpty else { return [:] }
        var builder = SQLStatementBuilder(dialect: connection.dialect)
        let collectionValue = builder.bind(.text(collection))
        let list = ids.map { builder.bind(.text($0)) }.joined(separator: ", ")
        let rows = try withDatabaseErrors { () throws(DatabaseError) in
            try connection.run("SELECT artifact_id, document FROM \(table) WHERE collection = \(collectionValue) AND artifact_id IN (\(list))",
                               builder.values).rows
        }
        var documents: [String: JSONObject] = [:]
        for row in rows {
            if let id = row["artifact_id"]?.stringValue { documents[id] = row["document"]?.objectValue ?? [:] }
        }
        return documents
    }

    func placeholder(_ index: Int) -> String { connection.dialect.placeholder(index) }

    static func tagList(_ bytes: UnsafeRawBufferPointer) -> [String] {
        guard let value = try? JSONParser.parse(Array(bytes)), case .array(let items) = value else { return [] }
        return items.compactMap(\.stringValue)
    }

    static func record(from row: JSONObject) -> VectorRecord {
        VectorRecord(
            collection: row["collection"]?.stringValue ?? "", artifactID: row["artifact_id"]?.stringValue ?? "",
            artifactType: row["artifact_type"]?.stringValue ?? "", tags: row["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            document: row["document"]?.objectValue ?? [:], contentHash: row["content_hash"]?.stringValue ?? "",
            embedder: row["embedder"]?.stringValue ?? "", vector: [])
    }
}

extension CollectionStats {
    /// From rows of (collection, embedder, artifact_type, n).
    static func grouping(_ rows: [JSONObject]) -> [CollectionStats] {
        var order: [String] = []
        var counts: [String: (total: Int, embedders: [String: Int], types: [String: Int])] = [:]
        for row in rows {
            let collection = row["collection"]?.stringValue ?? ""
            let count = row["n"]?.integerValue ?? 0
            if counts[collection] == nil {
                order.append(collection)
                counts[collection] = (0, [:], [:])
            }
            counts[collection]?.total += count
            counts[collection]?.embedders[row["embedder"]?.stringValue ?? "", default: 0] += count
            counts[collection]?.types[row["artifact_type"]?.stringValue ?? "", default: 0] += count
        }
        return order.compactMap { name in
            counts[name].map { CollectionStats(collection: name, count: $0.total, byEmbedder: $0.embedders, byType: $0.types) }
        }
    }
}
