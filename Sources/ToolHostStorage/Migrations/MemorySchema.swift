/// Semantic memory: artifacts kept in bulk storage, and the vector index the embedded `sql`
/// backend keeps in the same database. (The `pgvector` backend makes its own tables on first
/// use: they need the extension and a fixed dimension, which a migration cannot know.)
public enum MemorySchema {
    /// Artifacts routed to bulk storage, one row per artifact id.
    public static let artifacts = TableName("memory_artifacts")
    /// The `sql` vector index: one row per collection and artifact id, the vector a float32
    /// blob, the artifact itself in `document` so a vector-only artifact can be read back.
    public static let vectors = TableName("memory_vectors")
    /// A counter per collection, bumped by every write in the same transaction, so a process
    /// holding a collection's vectors in memory knows when to read them again.
    public static let generations = TableName("memory_generations")

    typealias Column = TableSpec.Column
    typealias Index = TableSpec.Index

    static let tables: [TableSpec] = [
        TableSpec(artifacts, columns: [
            Column("artifact_id", .string(255), primaryKey: true),
            Column("artifact_type", .string(100), notNull: true),
            Column("name", .text),
            Column("description", .text),
            Column("content", .text),
            Column("tags", .json),
            Column("metadata", .json),
            Column("quality_score", .double),
            Column("content_hash", .string(64)),
            Column("created_at", .timestamp, defaultNow: true),
            Column("updated_at", .timestamp, defaultNow: true),
        ], indexes: [
            Index("idx_memory_artifacts_type", "artifact_type, created_at"),
            Index("idx_memory_artifacts_tags", "tags jsonb_path_ops", postgresMethod: "GIN"),
        ]),
        TableSpec(vectors, columns: [
            Column("id", .id),
            Column("collection", .string(100), notNull: true),
            Column("artifact_id", .string(255), notNull: true),
            Column("artifact_type", .string(100), notNull: true),
            Column("tags", .json),
            Column("document", .json, notNull: true),
            Column("content_hash", .string(64)),
            Column("embedder", .string(255), notNull: true),
            Column("dimension", .integer, notNull: true),
            Column("embedding", .bytes, notNull: true),
            Column("updated_at", .timestamp, defaultNow: true),
        ], indexes: [
            Index("idx_memory_vectors_key", "collection, artifact_id", unique: true),
            Index("idx_memory_vectors_scan", "collection, embedder, artifact_type"),
        ]),
        TableSpec(generations, columns: [
            Column("collection", .string(100), primaryKey: true),
            Column("generation", .bigint, notNull: true, defaultSQL: "0"),
        ]),
    ]

    public static func create(on connection: any DatabaseConnection) throws(DatabaseError) {
        for table in tables { try table.create(on: connection) }
    }
}
