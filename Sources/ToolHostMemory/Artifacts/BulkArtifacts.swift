import ToolHostCore
import ToolHostStorage

/// Artifacts in bulk storage (table `memory_artifacts`): the full record, kept and read back
/// by id, filtered by type; no vectors.
struct BulkArtifacts {
    let connection: any DatabaseConnection

    var table: String { SQLStatementBuilder(dialect: connection.dialect).table(MemorySchema.artifacts) }

    /// Inserts or updates by id; an update keeps the first `created_at`.
    func upsert(_ artifacts: [Artifact]) throws(DatabaseError) {
        let builder = SQLStatementBuilder(dialect: connection.dialect)
        let now = builder.timestampValue(.now())
        try connection.insertRows(
            into: table,
            columns: ["artifact_id", "artifact_type", "name", "description", "content", "tags", "metadata", "quality_score", "content_hash",
                      "created_at", "updated_at", "valid_from", "valid_to", "supersedes"],
            rows: artifacts.map { artifact in
                [.text(artifact.id), .text(artifact.type), .text(artifact.name), .text(artifact.description), .text(artifact.content),
                 .json(.array(artifact.tags.map { .string($0) })), .json(.object(artifact.metadata)),
                 artifact.qualityScore.map { .double($0) } ?? .null, .text(artifact.contentHash), builder.timestampValue(artifact.createdAt), now,
                 artifact.validFrom.map(builder.timestampValue) ?? .null, artifact.validTo.map(builder.timestampValue) ?? .null,
                 .textOrNull(artifact.supersedes)]
            },
            suffix: """
                ON CONFLICT (artifact_id) DO UPDATE SET artifact_type = excluded.artifact_type, name = excluded.name,
                    description = excluded.description, content = excluded.content, tags = excluded.tags, metadata = excluded.metadata,
                    quality_score = excluded.quality_score, content_hash = excluded.content_hash, updated_at = excluded.updated_at,
                    valid_from = excluded.valid_from, valid_to = excluded.valid_to, supersedes = excluded.supersedes
                """)
    }

    func artifact(_ id: String) throws(DatabaseError) -> Artifact? {
        let rows = try connection.run("""
            SELECT artifact_id, artifact_type, name, description, content, tags, metadata, quality_score, created_at,
                valid_from, valid_to, supersedes
            FROM \(table) WHERE artifact_id = \(connection.dialect.placeholder(1))
            """, [.text(id)]).rows
        return rows.first.flatMap(Artifact.init(document:))
    }

    @discardableResult
    func delete(_ ids: [String]) throws(DatabaseError) -> Int {
        try connection.deleteRows(from: table, where: "artifact_id", in: ids)
    }

    /// For each of `ids`, the bulk artifacts that say they supersede it.
    func supersedingIDs(of ids: [String]) throws(DatabaseError) -> [String: [String]] {
        guard !ids.isEmpty else { return [:] }
        var builder = SQLStatementBuilder(dialect: connection.dialect)
        let list = ids.map { builder.bind(.text($0)) }.joined(separator: ", ")
        return ArtifactValidity.supersessors(try connection.run(
            "SELECT supersedes, artifact_id FROM \(table) WHERE supersedes IN (\(list))", builder.values).rows)
    }

    /// Count per artifact type.
    func countsByType() throws(DatabaseError) -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try connection.run("SELECT artifact_type, count(*) AS n FROM \(table) GROUP BY artifact_type").rows {
            counts[row["artifact_type"]?.stringValue ?? ""] = row["n"]?.integerValue ?? 0
        }
        return counts
    }
}
