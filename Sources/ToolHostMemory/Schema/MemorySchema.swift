import ToolHostCore
import ToolHostStorage

/// Semantic memory: artifacts kept in bulk storage, and the vector index the embedded `sql`
/// backend keeps in the same database. (The `pgvector` backend makes its own tables on first
/// use: they need the extension and a fixed dimension, which a migration cannot know.)
public enum MemorySchema {
    /// Artifacts routed to bulk storage, one row per artifact id.
    public static let artifacts = TableName("memory_artifacts")
    /// The `sql` vector index: one row per collection and artifact id, the vector a float32
    /// blob, the artifact itself in `document` so a vector-only artifact can be read back.
    public static let vectors = TableName("memory_vectors")
    /// A value per collection that every write to its vectors changes, in the same transaction
    /// (triggers, so writes through plain SQL count too): a process holding a collection's
    /// vectors in memory reads them again when it differs. Each change draws a random value
    /// rather than adding one, so a rolled-back change or a database made again at the same
    /// path never repeats a value a process has seen. On PostgreSQL a transaction changes it
    /// once, at its first write (others see the change when it commits); a search inside a
    /// writing transaction may therefore miss that transaction's later writes.
    public static let generations = TableName("memory_generations")

    typealias Column = TableSpec.Column
    typealias Index = TableSpec.Index

    public static let tables: [TableSpec] = [
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
            // PostgreSQL: the transaction that last changed the generation, so a transaction
            // writing many rows changes it once (updating one row 100,000 times in a transaction
            // leaves a chain of 100,000 row versions to walk, and a large store slowed to a crawl).
            Column("changed_by", .bigint),
        ]),
    ]

    public static func create(on connection: any DatabaseConnection) throws(DatabaseError) {
        for table in tables { try table.create(on: connection) }
        try connection.executeScript(connection.dialect == .postgres ? postgresGenerationTriggers : sqliteGenerationTriggers)
    }

    private static let sqliteGenerationTriggers = ["INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]]
        .sorted { $0.key < $1.key }
        .map { event, rows in
            let bumps = rows.map { row in
                "INSERT INTO memory_generations (collection, generation) VALUES (\(row).collection, abs(random() % 4611686018427387903) + 1) "
                    + "ON CONFLICT (collection) DO UPDATE SET generation = excluded.generation;"
            }.joined(separator: "\n    ")
            return "CREATE TRIGGER IF NOT EXISTS memory_vectors_generation_\(event.lowercased()) AFTER \(event) ON memory_vectors BEGIN\n    \(bumps)\nEND;"
        }.joined(separator: "\n")

    private static let postgresGenerationTriggers = """
        CREATE OR REPLACE FUNCTION memory_change_generation(name text) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE memory_generations SET generation = (random() * 4e18)::bigint + 1, changed_by = txid_current()
            WHERE collection = name AND changed_by IS DISTINCT FROM txid_current();
            IF NOT FOUND THEN
                INSERT INTO memory_generations (collection, generation, changed_by)
                VALUES (name, (random() * 4e18)::bigint + 1, txid_current())
                ON CONFLICT (collection) DO NOTHING;
            END IF;
        END $$;
        CREATE OR REPLACE FUNCTION memory_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN PERFORM memory_change_generation(OLD.collection); END IF;
            IF TG_OP <> 'DELETE' THEN PERFORM memory_change_generation(NEW.collection); END IF;
            RETURN NULL;
        END $$;
        DROP TRIGGER IF EXISTS memory_vectors_generation ON memory_vectors;
        CREATE TRIGGER memory_vectors_generation AFTER INSERT OR UPDATE OR DELETE ON memory_vectors
            FOR EACH ROW EXECUTE FUNCTION memory_bump_generation();
        """
}
