/// Every migration ToolHost knows, in order. Later capabilities append theirs here.
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
    ]
}
