import ToolHostCore
import ToolHostMemory
import ToolHostStorage

/// Migration 8: brings a database that recorded an earlier version of migration 1, 4 or 5 to
/// the schema those migrations give a fresh database today.
///
/// Migrations 1, 4 and 5 were changed after they had shipped, and the Migrator never runs a
/// recorded migration again, so such a database silently lacked what the later versions added:
///
/// - migration 1, first version (551b50b): two more log indexes, full-text search indexed row
///   by row by insert triggers (SQLite) or under other index names (PostgreSQL), and on SQLite
///   ids without AUTOINCREMENT, which the search catch-up relies on (`SearchIndex`);
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
///
/// Each owner keeps its part beside its tables: the bulk data store's and prompt evolution's
/// here in their tool folders, semantic memory's in ToolHostMemory (`MemorySchema`).
enum EarlierVersionRepair {
    static func apply(on connection: any DatabaseConnection) throws(DatabaseError) {
        switch connection.dialect {
        case .postgres:
            try connection.executeScript(postgresBulkData)
            try connection.executeScript(postgresPromptEvolution)
        case .sqlite:
            try repairSQLiteBulkData(on: connection)
            try repairSQLitePromptEvolution(on: connection)
        }
        try MemorySchema.repairEarlierVersions(on: connection)
    }
}

