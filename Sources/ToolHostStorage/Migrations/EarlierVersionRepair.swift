/// Migration 8: brings a database that recorded an earlier version of migration 4 or 5 to the
/// schema those migrations give a fresh database today.
///
/// Migrations 4 and 5 were changed after they had shipped, and the Migrator never runs a
/// recorded migration again, so such a database silently lacked what the later versions added:
///
/// - migration 5, first version (8866b9a): a GIN index `idx_memory_artifacts_tags` (PostgreSQL)
///   that later code dropped, no generation triggers on `memory_vectors`, and
///   `memory_generations` without `changed_by`;
/// - migration 5, second version (bab338b): triggers, but no `changed_by`, and on PostgreSQL a
///   trigger function that changes the generation at every row instead of once a transaction;
/// - migration 4, first version (913085d): on PostgreSQL the step search as expression indexes
///   under the names the stored `query_tsv` / `answers_tsv` columns' indexes have now (so
///   searches, which read those columns, failed), and a reward view whose `day` was a
///   timestamp; on SQLite (also the second version, 30c5252) FTS5 tables without the Porter
///   stemmer.
///
/// Every step checks the catalogue or says IF NOT EXISTS, so on a database that is already
/// right it changes nothing. The SQL is written out per dialect, not built from the live table
/// specs, so this migration can never change either.
enum EarlierVersionRepair {
    static func apply(on connection: any DatabaseConnection) throws(DatabaseError) {
        switch connection.dialect {
        case .postgres:
            try connection.executeScript(postgresMemory)
            try connection.executeScript(postgresPromptEvolution)
        case .sqlite:
            try connection.executeScript(sqliteGenerationTriggers)
            if try !connection.columns(of: TableName("memory_generations")).contains(where: { $0.name == "changed_by" }) {
                try connection.executeScript(#"ALTER TABLE "memory_generations" ADD COLUMN "changed_by" BIGINT"#)
            }
            for search in sqliteStepSearches {
                let created = try connection.run("SELECT sql FROM sqlite_master WHERE name = ?1", [.text(search.name)]).rows.first?["sql"]?.stringValue
                if let created, !created.contains("tokenize=") { try connection.executeScript(search.rebuild) }
            }
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

    /// The search indexes of the first version carry today's names on other definitions, so
    /// IF NOT EXISTS alone would keep them: such an index, and a view whose `day` is no date,
    /// are dropped first and made again.
    private static let postgresPromptEvolution = """
        ALTER TABLE "hegel_training_steps" ADD COLUMN IF NOT EXISTS query_tsv tsvector
          GENERATED ALWAYS AS (to_tsvector('english', coalesce(query, ''))) STORED;
        ALTER TABLE "hegel_training_steps" ADD COLUMN IF NOT EXISTS answers_tsv tsvector
          GENERATED ALWAYS AS (to_tsvector('english', coalesce(predicted_answer, '') || ' ' || coalesce(gold_answer, ''))) STORED;
        DO $$ BEGIN
          IF EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'hegel_training_steps_query_fts'
                     AND indexdef NOT LIKE '%USING gin (query_tsv)') THEN
            DROP INDEX hegel_training_steps_query_fts;
          END IF;
          IF EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'hegel_training_steps_answers_fts'
                     AND indexdef NOT LIKE '%USING gin (answers_tsv)') THEN
            DROP INDEX hegel_training_steps_answers_fts;
          END IF;
          IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'hegel_reward_daily'
                     AND column_name = 'day' AND data_type <> 'date') THEN
            DROP VIEW hegel_reward_daily;
          END IF;
        END $$;
        CREATE INDEX IF NOT EXISTS "hegel_training_steps_query_fts" ON "hegel_training_steps" USING GIN (query_tsv);
        CREATE INDEX IF NOT EXISTS "hegel_training_steps_answers_fts" ON "hegel_training_steps" USING GIN (answers_tsv);
        CREATE OR REPLACE VIEW "hegel_reward_daily" AS
          SELECT (created_at AT TIME ZONE 'UTC')::date AS day, corpus_id, task_type, count(*) AS steps,
                 avg(reward) AS avg_reward, min(reward) AS min_reward, max(reward) AS max_reward
          FROM "hegel_training_steps" GROUP BY 1, 2, 3;
        """

    private static let sqliteGenerationTriggers = """
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

    /// An FTS5 table of the steps made without the Porter stemmer: made again with it, filled
    /// from the steps, and its catch-up watermark set past every step it now holds.
    private struct StepSearch {
        let name: String
        let rebuild: String
    }

    private static let sqliteStepSearches = [
        StepSearch(name: "hegel_training_steps_query_fts", rebuild: """
            DROP TABLE "hegel_training_steps_query_fts";
            CREATE VIRTUAL TABLE "hegel_training_steps_query_fts" USING fts5("query", content="hegel_training_steps", content_rowid='id', tokenize='porter unicode61');
            INSERT INTO "hegel_training_steps_query_fts"("hegel_training_steps_query_fts") VALUES ('rebuild');
            UPDATE toolhost_search_sync SET last_id = (SELECT coalesce(max(id), 0) FROM "hegel_training_steps") WHERE name = 'hegel_training_steps_query_fts';
            """),
        StepSearch(name: "hegel_training_steps_answers_fts", rebuild: """
            DROP TABLE "hegel_training_steps_answers_fts";
            CREATE VIRTUAL TABLE "hegel_training_steps_answers_fts" USING fts5("predicted_answer", "gold_answer", content="hegel_training_steps", content_rowid='id', tokenize='porter unicode61');
            INSERT INTO "hegel_training_steps_answers_fts"("hegel_training_steps_answers_fts") VALUES ('rebuild');
            UPDATE toolhost_search_sync SET last_id = (SELECT coalesce(max(id), 0) FROM "hegel_training_steps") WHERE name = 'hegel_training_steps_answers_fts';
            """),
    ]
}
