import ToolHostCore
import ToolHostStorage

extension SearchIndex {
    /// A backlog worth a note: from this many rows the catch-up takes a noticeable time (about a
    /// tenth of a second), and the caller should know why this search is slow.
    static let noteworthyBacklog = 20_000

    /// Indexes what was stored since the last search, before searching (SQLite; nothing on
    /// PostgreSQL). Bulk stores leave indexing to here, so the first search after a large batch
    /// pays for it: it says so in a one-line note (stderr in the CLI) and reports progress
    /// (MCP progress notifications), and the answer is the same as if the rows had been
    /// indexed when stored.
    ///
    /// When the index cannot be brought up to date — another process holds SQLite's write lock
    /// for longer than the busy timeout (a long bulk load) — what is indexed already is
    /// searched, and the note says that rows are left out.
    func catchUpBeforeSearch(_ call: DatabaseCall) {
        guard call.dialect == .sqlite, let backlog = try? rowsBehind(on: call.connection), backlog > 0 else { return }
        let rows = "\(backlog) row\(backlog == 1 ? "" : "s")"
        if backlog >= Self.noteworthyBacklog {
            call.context.warn("\(call.toolID): the search index of \(table.name) is catching up: indexing \(rows) stored since the last search")
        }
        let message = "indexing \(table.name) for search"
        do {
            try catchUp(on: call.connection) { indexed, total in
                call.context.progress?.report(done: indexed, total: total, message: message)
                return call.context.cancellation?.isCancelled != true
            }
        } catch {
            call.context.warn("\(call.toolID): the search index of \(table.name) could not catch up (\(error.message)); "
                + "this search leaves out up to \(rows) stored since the last search")
        }
    }
}
