import ToolHostTestSupport

/// The tables an older code-evolver deployment (and an older conversational agent) created,
/// with rows: what migrations adopt. Its DDL as its integration doc gives it.
enum OlderDeployment {
    /// `tool_logs` and `tool_bugs` (which lacks `resolved_at`), a row in each.
    static func bulkTables(_ engine: Engine) -> String {
        let (serial, json) = types(engine)
        return """
            CREATE TABLE tool_logs (id \(serial), tool_id VARCHAR(255) NOT NULL, log_level VARCHAR(50) NOT NULL,
                message TEXT NOT NULL, details \(json), created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
            CREATE TABLE tool_bugs (id \(serial), bug_id VARCHAR(255) UNIQUE NOT NULL, tool_id VARCHAR(255) NOT NULL,
                severity VARCHAR(50) NOT NULL, message TEXT NOT NULL, stack_trace TEXT, details \(json),
                resolved BOOLEAN DEFAULT FALSE, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
            INSERT INTO tool_logs (tool_id, log_level, message, details, created_at)
                VALUES ('old_tool', 'error', 'kept', '{"k": 1}', '2024-05-01 10:00:00');
            INSERT INTO tool_bugs (bug_id, tool_id, severity, message, stack_trace)
                VALUES ('BUG-1', 'old_tool', 'high', 'still here', 'Traceback...');
            """
    }

    /// `conversations`, `messages`, `memories` and `agent_logs` with a few of today's columns,
    /// two conversations (one ended), two messages, a memory and a log.
    static func conversationTables(_ engine: Engine) -> String {
        let (serial, json) = types(engine)
        return """
            CREATE TABLE conversations (id \(serial), session_id VARCHAR(255), user_id VARCHAR(255), started_at TIMESTAMP, ended_at TIMESTAMP);
            CREATE TABLE messages (id \(serial), conversation_id INTEGER NOT NULL, role VARCHAR(20) NOT NULL, content TEXT,
                emotion VARCHAR(50), created_at TIMESTAMP);
            CREATE TABLE memories (id \(serial), user_id VARCHAR(255), tier VARCHAR(50), content TEXT, importance REAL, created_at TIMESTAMP);
            CREATE TABLE agent_logs (id \(serial), agent_name VARCHAR(100), action VARCHAR(255), output \(json), created_at TIMESTAMP);
            INSERT INTO conversations (session_id, user_id, started_at, ended_at) VALUES
                ('s1', 'u1', '2024-05-01 10:00:00', '2024-05-01 10:30:00'), ('s2', 'u2', '2024-05-02 09:00:00', NULL);
            INSERT INTO messages (conversation_id, role, content, emotion, created_at) VALUES
                (1, 'user', 'hello', 'happy', '2024-05-01 10:00:01'), (1, 'assistant', 'hi there', NULL, '2024-05-01 10:00:02');
            INSERT INTO memories (user_id, tier, content, importance, created_at) VALUES ('u1', 'core', 'likes tea', 0.9, '2024-05-01 10:10:00');
            INSERT INTO agent_logs (agent_name, action, output, created_at) VALUES ('critic', 'score', '{"ok": true}', '2024-05-01 10:00:03');
            """
    }

    private static func types(_ engine: Engine) -> (serial: String, json: String) {
        engine == .postgres ? ("SERIAL PRIMARY KEY", "JSONB") : ("INTEGER PRIMARY KEY", "TEXT")
    }
}
