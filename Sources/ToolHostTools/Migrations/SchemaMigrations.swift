import ToolHostCore
import ToolHostMemory
import ToolHostStorage

/// Every migration of the built-in tables, in one global order. Each owner keeps its tables
/// beside its code (`BulkSchema` in BulkDataStore/, `MemorySchema` in ToolHostMemory, ...);
/// this list orders them, and Storage only runs it (`Migrator`).
///
/// A migration never changes once it has shipped: a database that recorded it never runs it
/// again, so an edit reaches fresh databases only and the others drift (migration 8 repairs
/// the drift of 4 and 5). `MigrationChecksumTests` pins the SQL each one runs on a fresh
/// database, per dialect; a change to a table is a new migration, and a spec an old migration
/// renders stays as it shipped.
public enum SchemaMigrations {
    public static let all: [Migration] = [
        Migration(1, "bulk data tables (adopts code-evolver's)") { connection throws(DatabaseError) in
            for table in BulkSchema.tables { try table.create(on: connection) }
            try BulkSchema.createSearch(on: connection)
        },
        Migration(2, "training data (schema training_data on PostgreSQL) and the stream outbox") { connection throws(DatabaseError) in
            try TrainingSchema.create(on: connection)
        },
        Migration(3, "conversation training data (adopts and upgrades older conversations, messages, memories, agent_logs)") {
            connection throws(DatabaseError) in
            try ConversationSchema.create(on: connection)
        },
        Migration(4, "prompt evolution: profiles, training steps (full-text), populations, daily reward view") { connection throws(DatabaseError) in
            try PromptEvolutionSchema.create(on: connection)
        },
        Migration(5, "semantic memory: bulk artifacts, the sql vector index, collection generations") { connection throws(DatabaseError) in
            try MemorySchema.create(on: connection)
        },
        Migration(6, "the audit log (toolhost_audit_log, hash-chained)") { connection throws(DatabaseError) in
            try AuditSchema.create(on: connection)
        },
        Migration(7, "training events and tool executions partitioned by month on PostgreSQL (SQLite unchanged)") {
            connection throws(DatabaseError) in
            try TrainingSchema.partitionByMonth(on: connection)
        },
        Migration(8, "databases that recorded an earlier version of migration 4 or 5 get what later versions added") {
            connection throws(DatabaseError) in
            try EarlierVersionRepair.apply(on: connection)
        },
        Migration(9, "messages keep tool calls (tool_calls) and the call a tool message answers (tool_call_id)") {
            connection throws(DatabaseError) in
            try ConversationSchema.addToolCallColumns(on: connection)
        },
        Migration(10, "tool calls per hour and tool (training_tool_call_hours) filled from the executions, and an index of failed executions") {
            connection throws(DatabaseError) in
            try CallRollup.create(on: connection)
        },
        Migration(11, "semantic memory: validity and supersession of artifacts, and a full-text index of the vector entries") {
            connection throws(DatabaseError) in
            try MemorySchema.addFactsAndTextSearch(on: connection)
        },
        Migration(12, "SQLite: indexes a large bulk insert sets aside wait in toolhost_deferred_indexes for the first read (PostgreSQL unchanged)") {
            connection throws(DatabaseError) in
            try DeferredIndexLedger.create(on: connection)
        },
    ]
}

extension Database {
    /// The one `Database` of this process for `settings`, migrated with the built-in tables'
    /// migrations (`SchemaMigrations.all`).
    public static func shared(for settings: DatabaseSettings) -> Database {
        shared(for: settings, migrations: SchemaMigrations.all)
    }
}

extension Migrator {
    /// Applies the built-in tables' pending migrations.
    @discardableResult
    public static func migrate(_ connection: any DatabaseConnection) throws(DatabaseError) -> [Migration] {
        try migrate(connection, SchemaMigrations.all)
    }

    /// Every built-in migration with when it was applied.
    public static func status(_ connection: any DatabaseConnection) throws(DatabaseError) -> [Status] {
        try status(connection, SchemaMigrations.all)
    }
}
