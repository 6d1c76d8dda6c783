import ToolHostCore
import ToolHostStorage

extension ArtifactMemory {
    /// A page of the artifacts in bulk storage, newest first (ties by id), without their
    /// content: what a listing shows (MCP `resources/list`). Artifacts kept only in the vector
    /// index are not listed; `artifact(_:)` still reads them by id.
    public func recentArtifacts(offset: Int, limit: Int) throws(ToolHostError) -> [Artifact] {
        try withDatabaseErrors { () throws(DatabaseError) in try bulk.recent(offset: offset, limit: limit) }
    }
}

extension BulkArtifacts {
    func recent(offset: Int, limit: Int) throws(DatabaseError) -> [Artifact] {
        let dialect = connection.dialect
        let rows = try connection.run("""
            SELECT artifact_id, artifact_type, name, description, created_at
            FROM \(table) ORDER BY created_at DESC, artifact_id LIMIT \(dialect.placeholder(1)) OFFSET \(dialect.placeholder(2))
            """, [.integer(Int64(max(0, limit))), .integer(Int64(max(0, offset)))]).rows
        return rows.compactMap(Artifact.init(document:))
    }
}
