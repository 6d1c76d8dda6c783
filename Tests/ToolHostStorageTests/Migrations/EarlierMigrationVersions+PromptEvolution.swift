import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory

/// Migration 4 (prompt evolution) as it first shipped.
extension EarlierMigrationVersions {
    /// Migration 4 as first shipped (913085d): step search by expression indexes on
    /// PostgreSQL, the reward view's `day` a timestamp, FTS5 without the Porter stemmer.
    static func promptEvolutionFirstVersion(_ dialect: SQLDialect) -> String {
        dialect == .postgres ? promptEvolutionFirstPostgres : promptEvolutionFirstSQLite
    }

    private static let promptEvolutionFirstPostgres = #"""
        CREATE TABLE IF NOT EXISTS "hegel_prompt_profiles" (
            "id" UUID PRIMARY KEY,
            "corpus_id" VARCHAR(255) NOT NULL,
            "task_type" VARCHAR(100) NOT NULL,
            "profile" JSONB NOT NULL,
            "parent_profile_id" UUID REFERENCES "hegel_prompt_profiles" (id),
            "version" INTEGER NOT NULL,
            "metadata" JSONB,
            "created_at" TIMESTAMPTZ DEFAULT now()
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_profiles_latest" ON "hegel_prompt_profiles" (corpus_id, task_type, created_at DESC, version DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_profiles_parent" ON "hegel_prompt_profiles" (parent_profile_id)
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_profiles_profile" ON "hegel_prompt_profiles" USING GIN (profile jsonb_path_ops)
        ;
        CREATE TABLE IF NOT EXISTS "hegel_training_steps" (
            "id" BIGSERIAL PRIMARY KEY,
            "old_profile_id" UUID REFERENCES "hegel_prompt_profiles" (id),
            "new_profile_id" UUID REFERENCES "hegel_prompt_profiles" (id),
            "corpus_id" VARCHAR(255) NOT NULL,
            "task_type" VARCHAR(100) NOT NULL,
            "query" TEXT,
            "predicted_answer" TEXT,
            "gold_answer" TEXT,
            "reward" DOUBLE PRECISION NOT NULL,
            "debate_trace" JSONB,
            "metadata" JSONB,
            "created_at" TIMESTAMPTZ DEFAULT now()
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_steps_corpus_task" ON "hegel_training_steps" (corpus_id, task_type, created_at)
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_steps_time" ON "hegel_training_steps" (created_at, corpus_id, task_type, reward)
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_steps_new_profile" ON "hegel_training_steps" (new_profile_id)
        ;
        CREATE TABLE IF NOT EXISTS "hegel_profile_populations" (
            "id" BIGSERIAL PRIMARY KEY,
            "corpus_id" VARCHAR(255) NOT NULL,
            "task_type" VARCHAR(100) NOT NULL,
            "profile_id" UUID NOT NULL REFERENCES "hegel_prompt_profiles" (id),
            "fitness_score" DOUBLE PRECISION NOT NULL,
            "generation" INTEGER NOT NULL,
            "created_at" TIMESTAMPTZ DEFAULT now()
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_populations_corpus_task" ON "hegel_profile_populations" (corpus_id, task_type)
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_populations_fitness" ON "hegel_profile_populations" (fitness_score DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_populations_ranked" ON "hegel_profile_populations" (corpus_id, task_type, generation DESC, fitness_score DESC)
        ;
        CREATE INDEX IF NOT EXISTS "hegel_training_steps_query_fts" ON "hegel_training_steps" USING GIN (to_tsvector('english', "query"))
        ;
        CREATE INDEX IF NOT EXISTS "hegel_training_steps_answers_fts" ON "hegel_training_steps" USING GIN (to_tsvector('english', "predicted_answer" || ' ' || coalesce("gold_answer", '')))
        ;
        DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm; EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'pg_trgm unavailable'; END $$;
        CREATE OR REPLACE VIEW "hegel_reward_daily" AS
          SELECT date_trunc('day', created_at) AS day, corpus_id, task_type, count(*) AS steps,
                 avg(reward) AS avg_reward, min(reward) AS min_reward, max(reward) AS max_reward
          FROM "hegel_training_steps" GROUP BY 1, 2, 3;
        DO $$ BEGIN
          IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
            CREATE INDEX IF NOT EXISTS idx_hegel_profiles_worker_system_prompt ON "hegel_prompt_profiles" USING GIN ((profile #>> '{worker,system_prompt}') gin_trgm_ops);
          ELSE
            CREATE INDEX IF NOT EXISTS idx_hegel_profiles_worker_system_prompt ON "hegel_prompt_profiles" ((profile #>> '{worker,system_prompt}'));
          END IF;
        END $$;
        DO $$ BEGIN
          IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
            CREATE INDEX IF NOT EXISTS idx_hegel_profiles_reviewer_system_prompt ON "hegel_prompt_profiles" USING GIN ((profile #>> '{reviewer,system_prompt}') gin_trgm_ops);
          ELSE
            CREATE INDEX IF NOT EXISTS idx_hegel_profiles_reviewer_system_prompt ON "hegel_prompt_profiles" ((profile #>> '{reviewer,system_prompt}'));
          END IF;
        END $$;
        """#

    private static let promptEvolutionFirstSQLite = #"""
        CREATE TABLE IF NOT EXISTS "hegel_prompt_profiles" (
            "id" TEXT PRIMARY KEY,
            "corpus_id" TEXT NOT NULL,
            "task_type" TEXT NOT NULL,
            "profile" JSON NOT NULL,
            "parent_profile_id" TEXT REFERENCES "hegel_prompt_profiles" (id),
            "version" INTEGER NOT NULL,
            "metadata" JSON,
            "created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_profiles_latest" ON "hegel_prompt_profiles" (corpus_id, task_type, created_at DESC, version DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_profiles_parent" ON "hegel_prompt_profiles" (parent_profile_id)
        ;
        CREATE TABLE IF NOT EXISTS "hegel_training_steps" (
            "id" INTEGER PRIMARY KEY AUTOINCREMENT,
            "old_profile_id" TEXT REFERENCES "hegel_prompt_profiles" (id),
            "new_profile_id" TEXT REFERENCES "hegel_prompt_profiles" (id),
            "corpus_id" TEXT NOT NULL,
            "task_type" TEXT NOT NULL,
            "query" TEXT,
            "predicted_answer" TEXT,
            "gold_answer" TEXT,
            "reward" REAL NOT NULL,
            "debate_trace" JSON,
            "metadata" JSON,
            "created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_steps_corpus_task" ON "hegel_training_steps" (corpus_id, task_type, created_at)
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_steps_time" ON "hegel_training_steps" (created_at, corpus_id, task_type, reward)
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_steps_new_profile" ON "hegel_training_steps" (new_profile_id)
        ;
        CREATE TABLE IF NOT EXISTS "hegel_profile_populations" (
            "id" INTEGER PRIMARY KEY AUTOINCREMENT,
            "corpus_id" TEXT NOT NULL,
            "task_type" TEXT NOT NULL,
            "profile_id" TEXT NOT NULL REFERENCES "hegel_prompt_profiles" (id),
            "fitness_score" REAL NOT NULL,
            "generation" INTEGER NOT NULL,
            "created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_populations_corpus_task" ON "hegel_profile_populations" (corpus_id, task_type)
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_populations_fitness" ON "hegel_profile_populations" (fitness_score DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_hegel_populations_ranked" ON "hegel_profile_populations" (corpus_id, task_type, generation DESC, fitness_score DESC)
        ;
        CREATE TABLE IF NOT EXISTS toolhost_search_sync (name TEXT PRIMARY KEY, last_id INTEGER NOT NULL);
        INSERT OR IGNORE INTO toolhost_search_sync (name, last_id) VALUES ('hegel_training_steps_query_fts', 0);
        CREATE VIRTUAL TABLE IF NOT EXISTS "hegel_training_steps_query_fts" USING fts5("query", content="hegel_training_steps", content_rowid='id');
        CREATE TRIGGER IF NOT EXISTS "hegel_training_steps_query_fts_delete" AFTER DELETE ON "hegel_training_steps" WHEN old.id <= (SELECT last_id FROM toolhost_search_sync WHERE name = 'hegel_training_steps_query_fts') BEGIN
            INSERT INTO "hegel_training_steps_query_fts"("hegel_training_steps_query_fts", rowid, "query") VALUES ('delete', old.id, old."query");
        END;
        CREATE TRIGGER IF NOT EXISTS "hegel_training_steps_query_fts_update" AFTER UPDATE OF "query" ON "hegel_training_steps" WHEN old.id <= (SELECT last_id FROM toolhost_search_sync WHERE name = 'hegel_training_steps_query_fts') BEGIN
            INSERT INTO "hegel_training_steps_query_fts"("hegel_training_steps_query_fts", rowid, "query") VALUES ('delete', old.id, old."query");
            INSERT INTO "hegel_training_steps_query_fts"(rowid, "query") VALUES (new.id, new."query");
        END;
        ;
        INSERT INTO "hegel_training_steps_query_fts"(rowid, "query") SELECT id, "query" FROM "hegel_training_steps" WHERE id > (SELECT last_id FROM toolhost_search_sync WHERE name = 'hegel_training_steps_query_fts');
        UPDATE toolhost_search_sync SET last_id = (SELECT coalesce(max(id), last_id) FROM "hegel_training_steps") WHERE name = 'hegel_training_steps_query_fts';
        ;
        CREATE TABLE IF NOT EXISTS toolhost_search_sync (name TEXT PRIMARY KEY, last_id INTEGER NOT NULL);
        INSERT OR IGNORE INTO toolhost_search_sync (name, last_id) VALUES ('hegel_training_steps_answers_fts', 0);
        CREATE VIRTUAL TABLE IF NOT EXISTS "hegel_training_steps_answers_fts" USING fts5("predicted_answer", "gold_answer", content="hegel_training_steps", content_rowid='id');
        CREATE TRIGGER IF NOT EXISTS "hegel_training_steps_answers_fts_delete" AFTER DELETE ON "hegel_training_steps" WHEN old.id <= (SELECT last_id FROM toolhost_search_sync WHERE name = 'hegel_training_steps_answers_fts') BEGIN
            INSERT INTO "hegel_training_steps_answers_fts"("hegel_training_steps_answers_fts", rowid, "predicted_answer", "gold_answer") VALUES ('delete', old.id, old."predicted_answer", old."gold_answer");
        END;
        CREATE TRIGGER IF NOT EXISTS "hegel_training_steps_answers_fts_update" AFTER UPDATE OF "predicted_answer", "gold_answer" ON "hegel_training_steps" WHEN old.id <= (SELECT last_id FROM toolhost_search_sync WHERE name = 'hegel_training_steps_answers_fts') BEGIN
            INSERT INTO "hegel_training_steps_answers_fts"("hegel_training_steps_answers_fts", rowid, "predicted_answer", "gold_answer") VALUES ('delete', old.id, old."predicted_answer", old."gold_answer");
            INSERT INTO "hegel_training_steps_answers_fts"(rowid, "predicted_answer", "gold_answer") VALUES (new.id, new."predicted_answer", new."gold_answer");
        END;
        ;
        INSERT INTO "hegel_training_steps_answers_fts"(rowid, "predicted_answer", "gold_answer") SELECT id, "predicted_answer", "gold_answer" FROM "hegel_training_steps" WHERE id > (SELECT last_id FROM toolhost_search_sync WHERE name = 'hegel_training_steps_answers_fts');
        UPDATE toolhost_search_sync SET last_id = (SELECT coalesce(max(id), last_id) FROM "hegel_training_steps") WHERE name = 'hegel_training_steps_answers_fts';
        ;
        CREATE VIEW IF NOT EXISTS "hegel_reward_daily" AS
          SELECT substr(created_at, 1, 10) AS day, corpus_id, task_type, count(*) AS steps,
                 avg(reward) AS avg_reward, min(reward) AS min_reward, max(reward) AS max_reward
          FROM "hegel_training_steps" GROUP BY 1, 2, 3;
        """#
}
