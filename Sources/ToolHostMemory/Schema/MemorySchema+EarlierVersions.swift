import ToolHostCore
import ToolHostStorage

/// Migration 5's earlier versions: the tags index, the generation triggers, `changed_by`
/// (part of migration 8, `EarlierVersionRepair`; frozen SQL, never edited).
extension MemorySchema {
    public static func repairEarlierVersions(on connection: any DatabaseConnection) throws(DatabaseError) {
        switch connection.dialect {
        case .postgres: try connection.executeScript(postgresMemory)
        case .sqlite: try repairSQLiteMemory(on: connection)
        }
    }

    private static func repairSQLiteMemory(on connection: any DatabaseConnection) throws(DatabaseError) {
        try connection.executeScript(frozenSQLiteGenerationTriggers)
        if try !connection.columns(of: TableName("memory_generations")).contains(where: { $0.name == "changed_by" }) {
            try connection.executeScript(#"ALTER TABLE "memory_generations" ADD COLUMN "changed_by" BIGINT"#)
        }
    }

    private static let postgresMemory = """
        DROP INDEX IF EXISTS idx_memory_artifacts_tags;
        ALTER TABLE memory_generations ADD COLUMN IF NOT EXISTS changed_by BIGINT;
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

    private static let frozenSQLiteGenerationTriggers = """
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
        """
}
