import ToolHostCore
import ToolHostStorage

/// Migration 11: facts that change, and text match over the vector index.
///
/// - `memory_artifacts` gets `valid_from`, `valid_to` (timestamps; `valid_from` empty means
///   "from `created_at`") and `supersedes`, with a partial index on it.
/// - `memory_vectors` gets `valid_from_us`, `valid_to_us` (microseconds since the epoch, see
///   `ArtifactValidity`) and `supersedes`; existing entries start at their document's
///   `created_at` (to the second on SQLite), or have no start when it has none.
/// - The text the entries are searched by (name, description, tags, content of the document):
///   on SQLite an FTS5 table `memory_vectors_fts` (Porter stemmer) kept current by triggers on
///   every write; on PostgreSQL a stored `search_vector` tsvector with a GIN index, computed by
///   the server. Both are filled for the entries already there.
///
/// The SQL is written out, never built from live specs, so this migration cannot change.
extension MemorySchema {
    public static func addFactsAndTextSearch(on connection: any DatabaseConnection) throws(DatabaseError) {
        switch connection.dialect {
        case .postgres:
            try connection.executeScript(postgresFacts)
        case .sqlite:
            let artifactColumns = Set(try connection.columns(of: artifacts).map(\.name))
            for (column, type) in [("valid_from", "TIMESTAMP"), ("valid_to", "TIMESTAMP"), ("supersedes", "VARCHAR(255)")]
            where !artifactColumns.contains(column) {
                try connection.executeScript(#"ALTER TABLE "memory_artifacts" ADD COLUMN "\#(column)" \#(type)"#)
            }
            let vectorColumns = Set(try connection.columns(of: vectors).map(\.name))
            for (column, type) in [("valid_from_us", "BIGINT"), ("valid_to_us", "BIGINT"), ("supersedes", "VARCHAR(255)")]
            where !vectorColumns.contains(column) {
                try connection.executeScript(#"ALTER TABLE "memory_vectors" ADD COLUMN "\#(column)" \#(type)"#)
            }
            try connection.executeScript(sqliteFacts)
        }
    }

    /// PostgreSQL's text of an entry, weighted A (name), B (tags), C (description), D (content);
    /// the pgvector tables compute the same.
    public static let postgresSearchVector = """
        setweight(to_tsvector('english', coalesce(document->>'name', '')), 'A')
            || setweight(to_tsvector('english', coalesce(document->>'tags', '')), 'B')
            || setweight(to_tsvector('english', coalesce(document->>'description', '')), 'C')
            || setweight(to_tsvector('english', coalesce(document->>'content', '')), 'D')
        """

    /// PostgreSQL: microseconds since the epoch of a document's `created_at`, when it has one
    /// that reads as a time.
    public static let postgresStartFromDocument = """
        CASE WHEN document->>'created_at' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
             THEN (extract(epoch FROM (document->>'created_at')::timestamptz) * 1000000)::bigint END
        """

    private static let postgresFacts = """
        ALTER TABLE memory_artifacts ADD COLUMN IF NOT EXISTS valid_from TIMESTAMPTZ,
            ADD COLUMN IF NOT EXISTS valid_to TIMESTAMPTZ, ADD COLUMN IF NOT EXISTS supersedes VARCHAR(255);
        CREATE INDEX IF NOT EXISTS idx_memory_artifacts_supersedes ON memory_artifacts (supersedes) WHERE supersedes IS NOT NULL;
        ALTER TABLE memory_vectors ADD COLUMN IF NOT EXISTS valid_from_us BIGINT,
            ADD COLUMN IF NOT EXISTS valid_to_us BIGINT, ADD COLUMN IF NOT EXISTS supersedes VARCHAR(255),
            ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS (\(postgresSearchVector)) STORED;
        UPDATE memory_vectors SET valid_from_us = \(postgresStartFromDocument) WHERE valid_from_us IS NULL AND document ? 'created_at';
        CREATE INDEX IF NOT EXISTS idx_memory_vectors_supersedes ON memory_vectors (collection, supersedes) WHERE supersedes IS NOT NULL;
        CREATE INDEX IF NOT EXISTS idx_memory_vectors_search ON memory_vectors USING GIN (search_vector);
        """

    private static let sqliteFTSColumns = #""name", "description", "tags", "content""#

    private static func sqliteFTSValues(_ row: String) -> String {
        "json_extract(\(row).document, '$.name'), json_extract(\(row).document, '$.description'), \(row).tags, json_extract(\(row).document, '$.content')"
    }

    private static let sqliteFacts = """
        CREATE INDEX IF NOT EXISTS "idx_memory_artifacts_supersedes" ON "memory_artifacts" (supersedes) WHERE supersedes IS NOT NULL;
        UPDATE "memory_vectors" SET valid_from_us = CAST(strftime('%s', json_extract(document, '$.created_at')) AS INTEGER) * 1000000
            WHERE valid_from_us IS NULL AND strftime('%s', json_extract(document, '$.created_at')) IS NOT NULL;
        CREATE INDEX IF NOT EXISTS "idx_memory_vectors_supersedes" ON "memory_vectors" (collection, supersedes) WHERE supersedes IS NOT NULL;
        CREATE VIRTUAL TABLE IF NOT EXISTS "memory_vectors_fts" USING fts5(\(sqliteFTSColumns), tokenize='porter unicode61');
        DELETE FROM "memory_vectors_fts";
        INSERT INTO "memory_vectors_fts" (rowid, \(sqliteFTSColumns)) SELECT v.id, \(sqliteFTSValues("v")) FROM "memory_vectors" v;
        CREATE TRIGGER IF NOT EXISTS "memory_vectors_fts_insert" AFTER INSERT ON "memory_vectors" BEGIN
            INSERT INTO "memory_vectors_fts" (rowid, \(sqliteFTSColumns)) VALUES (new.id, \(sqliteFTSValues("new")));
        END;
        CREATE TRIGGER IF NOT EXISTS "memory_vectors_fts_delete" AFTER DELETE ON "memory_vectors" BEGIN
            DELETE FROM "memory_vectors_fts" WHERE rowid = old.id;
        END;
        CREATE TRIGGER IF NOT EXISTS "memory_vectors_fts_update" AFTER UPDATE OF document, tags ON "memory_vectors" BEGIN
            DELETE FROM "memory_vectors_fts" WHERE rowid = old.id;
            INSERT INTO "memory_vectors_fts" (rowid, \(sqliteFTSColumns)) VALUES (new.id, \(sqliteFTSValues("new")));
        END;
        """
}
