import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage

extension DatabaseConnection {
    /// Each index of `table` by name: its definition, and on SQLite where its tree starts
    /// (`rootpage`: a rebuilt index starts somewhere new).
    func indexes(of table: String) throws -> [JSONObject] {
        switch dialect {
        case .sqlite:
            try run("SELECT name, sql, rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 ORDER BY name", [.text(table)]).rows
        case .postgres:
            try run("SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE tablename = $1 ORDER BY indexname", [.text(table)]).rows
        }
    }
}
