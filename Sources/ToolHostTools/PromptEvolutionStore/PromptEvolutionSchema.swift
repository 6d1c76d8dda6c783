import ToolHostCore
import ToolHostStorage

/// The prompt-evolution training layer: prompt profiles with their lineage, the training steps
/// that scored them, and ranked populations of candidates. Sized for the reads a self-improving
/// agent makes hundreds of times a second (the latest profile of a corpus and task) and the
/// analyses it runs over millions of steps.
public enum PromptEvolutionSchema {
    public static let profiles = TableName("hegel_prompt_profiles")
    public static let steps = TableName("hegel_training_steps")
    public static let populations = TableName("hegel_profile_populations")
    /// Reward per day, corpus and task.
    public static let rewardView = TableName("hegel_reward_daily")

    /// Full-text search over the step's query, and over its predicted and gold answers: FTS5
    /// tables on SQLite (`SearchIndex`). PostgreSQL keeps each document as a stored tsvector
    /// column with a GIN index (`queryVector`, `answerVector`): ranking then reads the vector
    /// instead of parsing the text of every match again, which cost 4/5 of a search.
    /// On SQLite the Porter stemmer, as PostgreSQL's english configuration stems: `plays`
    /// finds `play` on both (PostgreSQL also drops stop words; SQLite does not).
    public static let querySearch = SearchIndex(table: steps, columns: ["query"], name: "hegel_training_steps_query_fts",
                                                sqliteTokenizer: "porter unicode61")
    public static let answerSearch = SearchIndex(table: steps, columns: ["predicted_answer", "gold_answer"], name: "hegel_training_steps_answers_fts",
                                                 sqliteTokenizer: "porter unicode61")
    public static let queryVector = "query_tsv"
    public static let answerVector = "answers_tsv"

    /// A step's columns as callers see them (on PostgreSQL the table also holds the vectors).
    public static var stepColumns: [String] { tables.first { $0.table.name == steps.name }?.columns.map(\.name) ?? [] }

    /// The JSON paths of the system prompts that get an index of their own on PostgreSQL (the
    /// ones agents search by); any other path is searched by scanning.
    public static let indexedPromptPaths = ["worker.system_prompt", "reviewer.system_prompt"]

    typealias Column = TableSpec.Column
    typealias Index = TableSpec.Index

    static let tables: [TableSpec] = [
        TableSpec(profiles, columns: [
            Column("id", .uuid, primaryKey: true),
            Column("corpus_id", .string(255), notNull: true),
            Column("task_type", .string(100), notNull: true),
            Column("profile", .json, notNull: true),
            Column("parent_profile_id", .uuid, references: profiles),
            Column("version", .integer, notNull: true),
            Column("metadata", .json),
            Column("created_at", .timestamp, defaultNow: true),
        ], indexes: [
            // latest_profile and profile_history: one index range, already in order.
            Index("idx_hegel_profiles_latest", "corpus_id, task_type, created_at DESC, version DESC"),
            Index("idx_hegel_profiles_parent", "parent_profile_id"),
            Index("idx_hegel_profiles_profile", "profile jsonb_path_ops", postgresMethod: "GIN"),
        ]),
        TableSpec(steps, columns: [
            Column("id", .id),
            Column("old_profile_id", .uuid, references: profiles),
            Column("new_profile_id", .uuid, references: profiles),
            Column("corpus_id", .string(255), notNull: true),
            Column("task_type", .string(100), notNull: true),
            Column("query", .text),
            Column("predicted_answer", .text),
            Column("gold_answer", .text),
            Column("reward", .double, notNull: true),
            Column("debate_trace", .json),
            Column("metadata", .json),
            Column("created_at", .timestamp, defaultNow: true),
        ], indexes: [
            Index("idx_hegel_steps_corpus_task", "corpus_id, task_type, created_at"),
            // training_summary over a time range of every corpus: read from the index alone.
            Index("idx_hegel_steps_time", "created_at, corpus_id, task_type, reward"),
            Index("idx_hegel_steps_new_profile", "new_profile_id"),
        ]),
        TableSpec(populations, columns: [
            Column("id", .id),
            Column("corpus_id", .string(255), notNull: true),
            Column("task_type", .string(100), notNull: true),
            Column("profile_id", .uuid, notNull: true, references: profiles),
            Column("fitness_score", .double, notNull: true),
            Column("generation", .integer, notNull: true),
            Column("created_at", .timestamp, defaultNow: true),
        ], indexes: [
            Index("idx_hegel_populations_corpus_task", "corpus_id, task_type"),
            Index("idx_hegel_populations_fitness", "fitness_score DESC"),
            Index("idx_hegel_populations_ranked", "corpus_id, task_type, generation DESC, fitness_score DESC"),
        ]),
    ]

    /// The PostgreSQL expression a prompt path is read and indexed by (`worker.system_prompt`
    /// → `(profile #>> '{worker,system_prompt}')`): searches must spell it the same way for
    /// the planner to use the index.
    public static func postgresPathExpression(_ segments: [String]) -> String {
        "(profile #>> '{\(segments.joined(separator: ","))}')"
    }

    public static func create(on connection: any DatabaseConnection) throws(DatabaseError) {
        for table in tables { try table.create(on: connection) }
        let builder = SQLStatementBuilder(dialect: connection.dialect)
        let steps = builder.table(Self.steps)
        let view = builder.table(rewardView)
        switch connection.dialect {
        case .postgres:
            // Trigram indexes make case-insensitive substring search of the prompts an index
            // lookup. pg_trgm ships with PostgreSQL but creating it needs the CREATE privilege:
            // without it, plain expression indexes are made and searches scan (profiles are few).
            var script = """
                ALTER TABLE \(steps) ADD COLUMN IF NOT EXISTS \(queryVector) tsvector
                  GENERATED ALWAYS AS (to_tsvector('english', coalesce(query, ''))) STORED;
                ALTER TABLE \(steps) ADD COLUMN IF NOT EXISTS \(answerVector) tsvector
                  GENERATED ALWAYS AS (to_tsvector('english', coalesce(predicted_answer, '') || ' ' || coalesce(gold_answer, ''))) STORED;
                CREATE INDEX IF NOT EXISTS \(SQLIdentifier.quote(querySearch.name)) ON \(steps) USING GIN (\(queryVector));
                CREATE INDEX IF NOT EXISTS \(SQLIdentifier.quote(answerSearch.name)) ON \(steps) USING GIN (\(answerVector));
                DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm; EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'pg_trgm unavailable'; END $$;
                CREATE OR REPLACE VIEW \(view) AS
                  SELECT (created_at AT TIME ZONE 'UTC')::date AS day, corpus_id, task_type, count(*) AS steps,
                         avg(reward) AS avg_reward, min(reward) AS min_reward, max(reward) AS max_reward
                  FROM \(steps) GROUP BY 1, 2, 3;
                """
            for path in indexedPromptPaths {
                let segments = path.split(separator: ".").map(String.init)
                let expression = postgresPathExpression(segments)
                let name = "idx_hegel_profiles_" + segments.joined(separator: "_")
                script += """

                    DO $$ BEGIN
                      IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                        CREATE INDEX IF NOT EXISTS \(name) ON \(builder.table(profiles)) USING GIN (\(expression) gin_trgm_ops);
                      ELSE
                        CREATE INDEX IF NOT EXISTS \(name) ON \(builder.table(profiles)) (\(expression));
                      END IF;
                    END $$;
                    """
            }
            try connection.executeScript(script)
        case .sqlite:
            try querySearch.create(on: connection)
            try answerSearch.create(on: connection)
            try connection.executeScript("""
                CREATE VIEW IF NOT EXISTS \(view) AS
                  SELECT substr(created_at, 1, 10) AS day, corpus_id, task_type, count(*) AS steps,
                         avg(reward) AS avg_reward, min(reward) AS min_reward, max(reward) AS max_reward
                  FROM \(steps) GROUP BY 1, 2, 3;
                """)
        }
    }
}
