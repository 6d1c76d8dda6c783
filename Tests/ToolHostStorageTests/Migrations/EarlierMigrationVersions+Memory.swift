import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory

/// Migration 5 (semantic memory) in its first two versions, which made the same tables.
extension EarlierMigrationVersions {
    /// Migration 5 as first shipped (8866b9a): a GIN index on `memory_artifacts.tags` on
    /// PostgreSQL, no generation triggers, no `memory_generations.changed_by`.
    static func memoryFirstVersion(_ dialect: SQLDialect) -> String {
        dialect == .postgres ? memoryTablesPostgres + "\n;\n" + tagsIndexPostgres : memoryTablesSQLite
    }

    /// Migration 5's second version (bab338b): no tags index, generation triggers (on
    /// PostgreSQL changing the generation at every row), still no `changed_by`.
    static func memorySecondVersion(_ dialect: SQLDialect) -> String {
        dialect == .postgres
            ? memoryTablesPostgres + "\n;\n" + rowByRowGenerationPostgres
            : memoryTablesSQLite + "\n;\n" + generationTriggersSQLite
    }

    /// The tables and indexes both versions made (no `changed_by`).
    private static let memoryTablesPostgres = #"""
        CREATE TABLE IF NOT EXISTS "memory_artifacts" (
            "artifact_id" VARCHAR(255) PRIMARY KEY,
            "artifact_type" VARCHAR(100) NOT NULL,
            "name" TEXT,
            "description" TEXT,
            "content" TEXT,
            "tags" JSONB,
            "metadata" JSONB,
            "quality_score" DOUBLE PRECISION,
            "content_hash" VARCHAR(64),
            "created_at" TIMESTAMPTZ DEFAULT now(),
            "updated_at" TIMESTAMPTZ DEFAULT now()
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_memory_artifacts_type" ON "memory_artifacts" (artifact_type, created_at)
        ;
        CREATE TABLE IF NOT EXISTS "memory_vectors" (
            "id" BIGSERIAL PRIMARY KEY,
            "collection" VARCHAR(100) NOT NULL,
            "artifact_id" VARCHAR(255) NOT NULL,
            "artifact_type" VARCHAR(100) NOT NULL,
            "tags" JSONB,
            "document" JSONB NOT NULL,
            "content_hash" VARCHAR(64),
            "embedder" VARCHAR(255) NOT NULL,
            "dimension" INTEGER NOT NULL,
            "embedding" BYTEA NOT NULL,
            "updated_at" TIMESTAMPTZ DEFAULT now()
        )
        ;
        CREATE UNIQUE INDEX IF NOT EXISTS "idx_memory_vectors_key" ON "memory_vectors" (collection, artifact_id)
        ;
        CREATE INDEX IF NOT EXISTS "idx_memory_vectors_scan" ON "memory_vectors" (collection, embedder, artifact_type)
        ;
        CREATE TABLE IF NOT EXISTS "memory_generations" (
            "collection" VARCHAR(100) PRIMARY KEY,
            "generation" BIGINT NOT NULL DEFAULT 0
        )
        """#

    /// The tables and indexes both versions made (no `changed_by`).
    private static let memoryTablesSQLite = #"""
        CREATE TABLE IF NOT EXISTS "memory_artifacts" (
            "artifact_id" TEXT PRIMARY KEY,
            "artifact_type" TEXT NOT NULL,
            "name" TEXT,
            "description" TEXT,
            "content" TEXT,
            "tags" JSON,
            "metadata" JSON,
            "quality_score" REAL,
            "content_hash" TEXT,
            "created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
            "updated_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_memory_artifacts_type" ON "memory_artifacts" (artifact_type, created_at)
        ;
        CREATE TABLE IF NOT EXISTS "memory_vectors" (
            "id" INTEGER PRIMARY KEY AUTOINCREMENT,
            "collection" TEXT NOT NULL,
            "artifact_id" TEXT NOT NULL,
            "artifact_type" TEXT NOT NULL,
            "tags" JSON,
            "document" JSON NOT NULL,
            "content_hash" TEXT,
            "embedder" TEXT NOT NULL,
            "dimension" INTEGER NOT NULL,
            "embedding" BLOB NOT NULL,
            "updated_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
        )
        ;
        CREATE UNIQUE INDEX IF NOT EXISTS "idx_memory_vectors_key" ON "memory_vectors" (collection, artifact_id)
        ;
        CREATE INDEX IF NOT EXISTS "idx_memory_vectors_scan" ON "memory_vectors" (collection, embedder, artifact_type)
        ;
        CREATE TABLE IF NOT EXISTS "memory_generations" (
            "collection" TEXT PRIMARY KEY,
            "generation" BIGINT NOT NULL DEFAULT 0
        )
        """#

    /// The first version only.
    private static let tagsIndexPostgres = #"""
        CREATE INDEX IF NOT EXISTS "idx_memory_artifacts_tags" ON "memory_artifacts" USING GIN (tags jsonb_path_ops)
        """#

    /// The second version: one upsert of the generation per row written.
    private static let rowByRowGenerationPostgres = #"""
        CREATE OR REPLACE FUNCTION memory_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                INSERT INTO memory_generations (collection, generation) VALUES (OLD.collection, (random() * 4e18)::bigint + 1)
                ON CONFLICT (collection) DO UPDATE SET generation = excluded.generation;
            END IF;
            IF TG_OP <> 'DELETE' THEN
                INSERT INTO memory_generations (collection, generation) VALUES (NEW.collection, (random() * 4e18)::bigint + 1)
                ON CONFLICT (collection) DO UPDATE SET generation = excluded.generation;
            END IF;
            RETURN NULL;
        END $$;
        DROP TRIGGER IF EXISTS memory_vectors_generation ON memory_vectors;
        CREATE TRIGGER memory_vectors_generation AFTER INSERT OR UPDATE OR DELETE ON memory_vectors
            FOR EACH ROW EXECUTE FUNCTION memory_bump_generation();
        """#

    /// The second version (unchanged since).
    private static let generationTriggersSQLite = #"""
        CREATE TRIGGER IF NOT EXISTS memory_vectors_generation_delete AFTER DELETE ON memory_vectors BEGIN
            INSERT INTO memory_generations (collection, generation) VALUES (OLD.collection, abs(random() % 4611686018427387903) + 1) ON CONFLICT (collection) DO UPDATE SET generation = excluded.generation;
        END;
        CREATE TRIGGER IF NOT EXISTS memory_vectors_generation_insert AFTER INSERT ON memory_vectors BEGIN
            INSERT INTO memory_generations (collection, generation) VALUES (NEW.collection, abs(random() % 4611686018427387903) + 1) ON CONFLICT (collection) DO UPDATE SET generation = excluded.generation;
        END;
        CREATE TRIGGER IF NOT EXISTS memory_vectors_generation_update AFTER UPDATE ON memory_vectors BEGIN
            INSERT INTO memory_generations (collection, generation) VALUES (OLD.collection, abs(random() % 4611686018427387903) + 1) ON CONFLICT (collection) DO UPDATE SET generation = excluded.generation;
            INSERT INTO memory_generations (collection, generation) VALUES (NEW.collection, abs(random() % 4611686018427387903) + 1) ON CONFLICT (collection) DO UPDATE SET generation = excluded.generation;
        END;
        """#
}
