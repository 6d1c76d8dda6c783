import ToolHostCore
import ToolHostStorage

extension ArtifactMemory {
    /// A page of the artifacts in bulk storage valid now (`ArtifactValidity`: not expired, not
    /// superseded by another bulk artifact, not yet to start), newest first (ties by id),
    /// without their content: what a listing shows (MCP `resources/list`). Artifacts kept only
    /// in the vector index are not listed; `artifact(_:)` still reads any by id.
    public func recentArtifacts(offset: Int, limit: Int) throws(ToolHostError) -> [Artifact] {
        try withDatabaseErrors { () throws(DatabaseError) in try bulk.recent(offset: offset, limit: limit) }
    }
}

extension BulkArtifacts {
    func recent(offset: Int, limit: Int) throws(DatabaseError) -> [Artifact] {
        var builder = SQLStatementBuilder(dialect: connection.dialect)
        let now = builder.bind(builder.timestampValue(.now()))
        let start = "coalesce(a.valid_from, a.created_at)"
        let rows = try connection.run("""
            SELECT artifact_id, artifact_type, name, description, created_at FROM \(table) a
            WHERE (\(start) IS NULL OR \(start) <= \(now)) AND (a.valid_to IS NULL OR a.valid_to > \(now))
              AND NOT EXISTS (SELECT 1 FROM \(table) newer WHERE newer.supersedes = a.artifact_id
                              AND coalesce(newer.valid_from, newer.created_at) <= \(now))
            ORDER BY created_at DESC, artifact_id
            LIMIT \(builder.bind(.integer(Int64(max(0, limit))))) OFFSET \(builder.bind(.integer(Int64(max(0, offset)))))
            """, builder.values).rows
        return rows.compactMap(Artifact.init(document:))
    }
}
