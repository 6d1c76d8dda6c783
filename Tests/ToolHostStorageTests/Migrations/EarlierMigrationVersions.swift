import ToolHostStorage

/// What migrations 1, 4 and 5 ran on a fresh database in the versions that shipped before their
/// code was changed (their rendered SQL, from git history): the databases migration 8
/// repairs. Each is one script, its statements as they were recorded (`MigrationRecording`).
enum EarlierMigrationVersions {
    /// Migration 1 as first shipped (551b50b): two more log indexes, search indexed by insert
    /// triggers (SQLite) or expression indexes of other names (PostgreSQL), SQLite ids without
    /// AUTOINCREMENT.
    static func bulkDataFirstVersion(_ dialect: SQLDialect) -> String {
        dialect == .postgres ? bulkDataFirstPostgres : bulkDataFirstSQLite
    }

    /// Migration 5 as first shipped (8866b9a): a GIN index on `memory_artifacts.tags` on
    /// PostgreSQL, no generation triggers, no `memory_generations.changed_by`.
    static func memoryFirstVersion(_ dialect: SQLDialect) -> String {
        dialect == .postgres ? memoryFirstPostgres : memoryFirstSQLite
    }

    /// Migration 5's second version (bab338b): generation triggers (on PostgreSQL changing the
    /// generation at every row), still no `changed_by`.
    static func memorySecondVersion(_ dialect: SQLDialect) -> String {
        dialect == .postgres ? memorySecondPostgres : memorySecondSQLite
    }

    /// Migration 4 as first shipped (913085d): step search by expression indexes on
    /// PostgreSQL, the reward view's `day` a timestamp, FTS5 without the Porter stemmer.
    static func promptEvolutionFirstVersion(_ dialect: SQLDialect) -> String {
        dialect == .postgres ? promptEvolutionFirstPostgres : promptEvolutionFirstSQLite
    }

    private static let memoryFirstPostgres = #"""
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
        CREATE INDEX IF NOT EXISTS "idx_memory_artifacts_tags" ON "memory_artifacts" USING GIN (tags jsonb_path_ops)
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

    private static let memoryFirstSQLite = #"""
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

    private static let memorySecondPostgres = #"""
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
        ;
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

    private static let memorySecondSQLite = #"""
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
        ;
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

    private static let bulkDataFirstPostgres = #"""
        CREATE TABLE IF NOT EXISTS "tool_logs" (
            "id" BIGSERIAL PRIMARY KEY,
            "tool_id" VARCHAR(255) NOT NULL,
            "log_level" VARCHAR(50) NOT NULL,
            "message" TEXT NOT NULL,
            "details" JSONB,
            "created_at" TIMESTAMPTZ DEFAULT now()
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_tool_id" ON "tool_logs" (tool_id, created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_level" ON "tool_logs" (log_level, created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_created_at" ON "tool_logs" (created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_tool_level" ON "tool_logs" (tool_id, log_level, created_at DESC)
        ;
        CREATE TABLE IF NOT EXISTS "tool_bugs" (
            "id" BIGSERIAL PRIMARY KEY,
            "bug_id" VARCHAR(255) NOT NULL UNIQUE,
            "tool_id" VARCHAR(255) NOT NULL,
            "severity" VARCHAR(50) NOT NULL,
            "message" TEXT NOT NULL,
            "stack_trace" TEXT,
            "details" JSONB,
            "resolved" BOOLEAN DEFAULT FALSE,
            "created_at" TIMESTAMPTZ DEFAULT now(),
            "resolved_at" TIMESTAMPTZ
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_bugs_tool_id" ON "tool_bugs" (tool_id, created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_bugs_severity" ON "tool_bugs" (severity)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_bugs_resolved" ON "tool_bugs" (resolved)
        ;
        CREATE TABLE IF NOT EXISTS "tool_ancestry" (
            "id" BIGSERIAL PRIMARY KEY,
            "parent_tool_id" VARCHAR(255) NOT NULL,
            "child_tool_id" VARCHAR(255) NOT NULL,
            "relationship_type" VARCHAR(100) NOT NULL,
            "details" JSONB,
            "created_at" TIMESTAMPTZ DEFAULT now()
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_ancestry_parent" ON "tool_ancestry" (parent_tool_id)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_ancestry_child" ON "tool_ancestry" (child_tool_id)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_ancestry_type" ON "tool_ancestry" (relationship_type)
        ;
        CREATE TABLE IF NOT EXISTS "tool_performance" (
            "id" BIGSERIAL PRIMARY KEY,
            "tool_id" VARCHAR(255) NOT NULL,
            "metric_name" VARCHAR(100) NOT NULL,
            "metric_value" NUMERIC,
            "unit" VARCHAR(50),
            "details" JSONB,
            "created_at" TIMESTAMPTZ DEFAULT now()
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_perf_tool_metric" ON "tool_performance" (tool_id, metric_name, created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_perf_metric" ON "tool_performance" (metric_name)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_perf_created_at" ON "tool_performance" (created_at DESC)
        ;
        CREATE TABLE IF NOT EXISTS "generated_tools" (
            "id" BIGSERIAL PRIMARY KEY,
            "tool_id" VARCHAR(255) NOT NULL UNIQUE,
            "tool_name" VARCHAR(255) NOT NULL,
            "tool_type" VARCHAR(50) NOT NULL,
            "tool_yaml" TEXT,
            "tool_code" TEXT,
            "metadata" JSONB,
            "created_at" TIMESTAMPTZ DEFAULT now(),
            "updated_at" TIMESTAMPTZ DEFAULT now()
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_generated_tools_type" ON "generated_tools" (tool_type)
        ;
        CREATE INDEX IF NOT EXISTS "idx_generated_tools_created_at" ON "generated_tools" (created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS idx_tool_logs_search ON tool_logs USING GIN (to_tsvector('english', message));
        CREATE INDEX IF NOT EXISTS idx_tool_bugs_search ON tool_bugs USING GIN (to_tsvector('english', message || ' ' || coalesce(stack_trace, '')));

        """#

    private static let bulkDataFirstSQLite = #"""
        CREATE TABLE IF NOT EXISTS "tool_logs" (
            "id" INTEGER PRIMARY KEY,
            "tool_id" TEXT NOT NULL,
            "log_level" TEXT NOT NULL,
            "message" TEXT NOT NULL,
            "details" JSON,
            "created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_tool_id" ON "tool_logs" (tool_id, created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_level" ON "tool_logs" (log_level, created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_created_at" ON "tool_logs" (created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_tool_level" ON "tool_logs" (tool_id, log_level, created_at DESC)
        ;
        CREATE TABLE IF NOT EXISTS "tool_bugs" (
            "id" INTEGER PRIMARY KEY,
            "bug_id" TEXT NOT NULL UNIQUE,
            "tool_id" TEXT NOT NULL,
            "severity" TEXT NOT NULL,
            "message" TEXT NOT NULL,
            "stack_trace" TEXT,
            "details" JSON,
            "resolved" BOOLEAN DEFAULT FALSE,
            "created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
            "resolved_at" TIMESTAMP
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_bugs_tool_id" ON "tool_bugs" (tool_id, created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_bugs_severity" ON "tool_bugs" (severity)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_bugs_resolved" ON "tool_bugs" (resolved)
        ;
        CREATE TABLE IF NOT EXISTS "tool_ancestry" (
            "id" INTEGER PRIMARY KEY,
            "parent_tool_id" TEXT NOT NULL,
            "child_tool_id" TEXT NOT NULL,
            "relationship_type" TEXT NOT NULL,
            "details" JSON,
            "created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_ancestry_parent" ON "tool_ancestry" (parent_tool_id)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_ancestry_child" ON "tool_ancestry" (child_tool_id)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_ancestry_type" ON "tool_ancestry" (relationship_type)
        ;
        CREATE TABLE IF NOT EXISTS "tool_performance" (
            "id" INTEGER PRIMARY KEY,
            "tool_id" TEXT NOT NULL,
            "metric_name" TEXT NOT NULL,
            "metric_value" REAL,
            "unit" TEXT,
            "details" JSON,
            "created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_perf_tool_metric" ON "tool_performance" (tool_id, metric_name, created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_perf_metric" ON "tool_performance" (metric_name)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_perf_created_at" ON "tool_performance" (created_at DESC)
        ;
        CREATE TABLE IF NOT EXISTS "generated_tools" (
            "id" INTEGER PRIMARY KEY,
            "tool_id" TEXT NOT NULL UNIQUE,
            "tool_name" TEXT NOT NULL,
            "tool_type" TEXT NOT NULL,
            "tool_yaml" TEXT,
            "tool_code" TEXT,
            "metadata" JSON,
            "created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
            "updated_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_generated_tools_type" ON "generated_tools" (tool_type)
        ;
        CREATE INDEX IF NOT EXISTS "idx_generated_tools_created_at" ON "generated_tools" (created_at DESC)
        ;
        CREATE VIRTUAL TABLE IF NOT EXISTS tool_logs_fts USING fts5(message, content='tool_logs', content_rowid='id');
        CREATE TRIGGER IF NOT EXISTS tool_logs_fts_insert AFTER INSERT ON tool_logs BEGIN
            INSERT INTO tool_logs_fts(rowid, message) VALUES (new.id, new.message);
        END;
        CREATE TRIGGER IF NOT EXISTS tool_logs_fts_delete AFTER DELETE ON tool_logs BEGIN
            INSERT INTO tool_logs_fts(tool_logs_fts, rowid, message) VALUES ('delete', old.id, old.message);
        END;
        CREATE TRIGGER IF NOT EXISTS tool_logs_fts_update AFTER UPDATE OF message ON tool_logs BEGIN
            INSERT INTO tool_logs_fts(tool_logs_fts, rowid, message) VALUES ('delete', old.id, old.message);
            INSERT INTO tool_logs_fts(rowid, message) VALUES (new.id, new.message);
        END;
        INSERT INTO tool_logs_fts(tool_logs_fts) VALUES ('rebuild');
        CREATE VIRTUAL TABLE IF NOT EXISTS tool_bugs_fts USING fts5(message, stack_trace, content='tool_bugs', content_rowid='id');
        CREATE TRIGGER IF NOT EXISTS tool_bugs_fts_insert AFTER INSERT ON tool_bugs BEGIN
            INSERT INTO tool_bugs_fts(rowid, message, stack_trace) VALUES (new.id, new.message, new.stack_trace);
        END;
        CREATE TRIGGER IF NOT EXISTS tool_bugs_fts_delete AFTER DELETE ON tool_bugs BEGIN
            INSERT INTO tool_bugs_fts(tool_bugs_fts, rowid, message, stack_trace) VALUES ('delete', old.id, old.message, old.stack_trace);
        END;
        CREATE TRIGGER IF NOT EXISTS tool_bugs_fts_update AFTER UPDATE OF message, stack_trace ON tool_bugs BEGIN
            INSERT INTO tool_bugs_fts(tool_bugs_fts, rowid, message, stack_trace) VALUES ('delete', old.id, old.message, old.stack_trace);
            INSERT INTO tool_bugs_fts(rowid, message, stack_trace) VALUES (new.id, new.message, new.stack_trace);
        END;
        INSERT INTO tool_bugs_fts(tool_bugs_fts) VALUES ('rebuild');

        """#
}
