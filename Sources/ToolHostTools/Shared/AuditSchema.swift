import ToolHostCore
import ToolHostStorage

/// The audit log's table: one row per call or refusal, hash-chained (`AuditChain`).
///
/// The row keeps the entry exactly as it was hashed (`entry`, its JSON text) beside the columns
/// an operator queries (who, which tool, what came of it), and `toolhost audit verify` checks
/// both: the chain over `entry`, and each column against it. The SQL is written out per dialect
/// rather than built from a `TableSpec`, so the migration that made it can never change.
public enum AuditSchema {
    public static let table = TableName("toolhost_audit_log")

    static func create(on connection: any DatabaseConnection) throws(DatabaseError) {
        switch connection.dialect {
        case .postgres:
            try connection.executeScript("""
                CREATE TABLE IF NOT EXISTS toolhost_audit_log (
                    seq BIGINT PRIMARY KEY,
                    at TIMESTAMPTZ NOT NULL,
                    caller TEXT NOT NULL,
                    tool TEXT NOT NULL,
                    operation TEXT,
                    outcome VARCHAR(16) NOT NULL,
                    error_code VARCHAR(100),
                    duration_ms DOUBLE PRECISION,
                    entry TEXT NOT NULL,
                    hash CHAR(64) NOT NULL
                );
                CREATE INDEX IF NOT EXISTS idx_toolhost_audit_log_at ON toolhost_audit_log (at);
                CREATE INDEX IF NOT EXISTS idx_toolhost_audit_log_tool ON toolhost_audit_log (tool, at);
                """)
        case .sqlite:
            try connection.executeScript("""
                CREATE TABLE IF NOT EXISTS toolhost_audit_log (
                    seq INTEGER PRIMARY KEY,
                    at TIMESTAMP NOT NULL,
                    caller TEXT NOT NULL,
                    tool TEXT NOT NULL,
                    operation TEXT,
                    outcome TEXT NOT NULL,
                    error_code TEXT,
                    duration_ms REAL,
                    entry TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE INDEX IF NOT EXISTS idx_toolhost_audit_log_at ON toolhost_audit_log (at);
                CREATE INDEX IF NOT EXISTS idx_toolhost_audit_log_tool ON toolhost_audit_log (tool, at);
                """)
        }
    }
}
