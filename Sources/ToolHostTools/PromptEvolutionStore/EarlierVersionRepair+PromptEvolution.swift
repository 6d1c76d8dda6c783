import ToolHostCore
import ToolHostStorage

/// Migration 4's earlier versions: step search, the reward view, the FTS5 stemmer.
extension EarlierVersionRepair {
    static func repairSQLitePromptEvolution(on connection: any DatabaseConnection) throws(DatabaseError) {
        for search in sqliteStepSearches {
            let created = try connection.run("SELECT sql FROM sqlite_master WHERE name = ?1", [.text(search.name)]).rows.first?["sql"]?.stringValue
            if let created, !created.contains("tokenize=") { try connection.executeScript(search.rebuild) }
        }
    }

    /// The search indexes of the first version carry today's names on other definitions, so
    /// IF NOT EXISTS alone would keep them: such an index, and a view whose `day` is no date,
    /// are dropped first and made again.
    static let postgresPromptEvolution = """
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

    /// An FTS5 table of the steps made without the Porter stemmer: made again with it, filled
    /// from the steps, and its catch-up watermark set past every step it now holds.
    struct StepSearch {
        let name: String
        let rebuild: String
    }

    static let sqliteStepSearches = [
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
