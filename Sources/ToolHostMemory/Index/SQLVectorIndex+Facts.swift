import ToolHostCore
import ToolHostStorage

/// Supersession and text match over `memory_vectors` (migration 11 added the columns, the
/// partial index on `supersedes` and the text index: an FTS5 table on SQLite, a stored
/// tsvector with a GIN index on PostgreSQL).
extension SQLVectorIndex {
    /// For each artifact id some entry of the collection supersedes, the start of the earliest
    /// such entry (what ends the older one's validity).
    func supersessionStarts(collection: String) throws(ToolHostError) -> [String: Int64] {
        var starts: [String: Int64] = [:]
        _ = try withDatabaseErrors { () throws(DatabaseError) in
            try connection.forEachRawRow("""
                SELECT supersedes, \(Self.asText("min(valid_from_us)", connection.dialect)) FROM \(table)
                WHERE collection = \(placeholder(1)) AND supersedes IS NOT NULL GROUP BY supersedes
                """, [.text(collection)]) { row in
                if let id = row.text(0), let start = row.int64(1) { starts[id] = start }
            }
        }
        return starts
    }

    public func supersedingIDs(collection: String, of artifactIDs: [String]) throws(ToolHostError) -> [String: [String]] {
        guard !artifactIDs.isEmpty else { return [:] }
        var builder = SQLStatementBuilder(dialect: connection.dialect)
        let sql = """
            SELECT supersedes, artifact_id FROM \(table) WHERE collection = \(builder.bind(.text(collection)))
            AND supersedes IN (\(artifactIDs.map { builder.bind(.text($0)) }.joined(separator: ", ")))
            """
        let rows = try withDatabaseErrors { () throws(DatabaseError) in try connection.run(sql, builder.values).rows }
        return ArtifactValidity.supersessors(rows)
    }

    public func textSearch(_ query: VectorQuery, text: String) throws(ToolHostError) -> [VectorMatch] {
        guard let words = ArtifactTextQuery(text) else { return [] }
        guard connection.dialect == .sqlite else { return try textSearch(query, words, bestOf: nil) }
        // FTS5 ranks its matches without reading the table; each match the filters then test
        // reads its row (vector included). The best few are read first, and all of them only
        // when the filters leave too few.
        let matches = try textSearch(query, words, bestOf: query.limit * 2 + 20)
        return matches.count < query.limit ? try textSearch(query, words, bestOf: nil) : matches
    }

    /// The text search over the best `bestOf` text matches of the whole index (all when nil).
    private func textSearch(_ query: VectorQuery, _ words: ArtifactTextQuery, bestOf: Int?) throws(ToolHostError) -> [VectorMatch] {
        var builder = SQLStatementBuilder(dialect: connection.dialect)
        let sql: String
        switch connection.dialect {
        case .sqlite:
            let fts = ArtifactTextQuery.fts5Table
            let best = bestOf.map { " LIMIT \(builder.bind(.integer(Int64($0))))" } ?? ""
            let matched = "SELECT rowid AS id, \(ArtifactTextQuery.fts5Rank) AS rank FROM \(fts) WHERE \(fts) MATCH \(builder.bind(.text(words.fts5))) ORDER BY rank\(best)"
            let conditions = ["v.collection = \(builder.bind(.text(query.collection)))", "v.embedder = \(builder.bind(.text(query.embedder)))"]
                + query.filterConditions(table: table, alias: "v", builder: &builder)
            sql = """
                SELECT v.artifact_id, v.document, v.embedding FROM (\(matched)) m JOIN \(table) v ON v.id = m.id
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY m.rank, v.artifact_id LIMIT \(builder.bind(.integer(Int64(query.limit))))
                """
        case .postgres:
            let tsquery = builder.bind(.text(words.tsquery))
            let conditions = ["v.search_vector @@ to_tsquery('english', \(tsquery))", "v.collection = \(builder.bind(.text(query.collection)))",
                              "v.embedder = \(builder.bind(.text(query.embedder)))"]
                + query.filterConditions(table: table, alias: "v", builder: &builder)
            sql = """
                SELECT v.artifact_id, v.document::text, v.embedding FROM \(table) v WHERE \(conditions.joined(separator: " AND "))
                ORDER BY \(ArtifactTextQuery.postgresRank("v.search_vector", tsquery)) DESC, v.artifact_id
                LIMIT \(builder.bind(.integer(Int64(query.limit))))
                """
        }
        var matches: [VectorMatch] = []
        _ = try withDatabaseErrors { () throws(DatabaseError) in
            try connection.forEachRawRow(sql, builder.values) { row in
                guard let id = row.text(0), let embedding = row.bytes(2) else { return }
                let document = row.bytes(1).flatMap { try? JSONParser.parse(Array($0)) }?.objectValue ?? [:]
                matches.append(VectorMatch(artifactID: id, score: Self.cosine(query.vector, VectorBytes.decode(embedding)), document: document))
            }
        }
        return matches
    }

    /// An integer column as the raw rows of both engines hand it over as text (`RawRow.int64`):
    /// PostgreSQL's binary format would give eight big-endian bytes.
    static func asText(_ expression: String, _ dialect: SQLDialect) -> String {
        dialect == .postgres ? "(\(expression))::text" : expression
    }

    /// The cosine similarity of two L2-normalised vectors (0 when their sizes differ).
    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        return a.withUnsafeBufferPointer { first in
            b.withUnsafeBufferPointer { second in
                guard let x = first.baseAddress, let y = second.baseAddress else { return 0 }
                return VectorScoring.dot(x, y, count: a.count)
            }
        }
    }
}
