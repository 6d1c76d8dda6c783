import ToolHostCore
import ToolHostStorage

extension DatabaseConnection {
    /// Serialises writers of one corpus and task until the transaction ends (PostgreSQL: a
    /// transaction-level advisory lock; SQLite's write lock already does it).
    func lockCorpusTask(_ corpus: String, _ task: String) throws(ToolHostError) {
        guard dialect == .postgres else { return }
        _ = try rows("SELECT pg_advisory_xact_lock(hashtext($1))", [.text(corpus + "\u{1}" + task)])
    }
}
