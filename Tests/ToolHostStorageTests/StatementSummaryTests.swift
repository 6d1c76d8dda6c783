import Testing
@testable import ToolHostStorage

/// The name a database span gets from its statement: operation and table, never a parse.
@Suite("StatementSummary")
struct StatementSummaryTests {
    @Test(arguments: [
        ("INSERT INTO \"tool_logs\" (a) VALUES (?1)", "INSERT tool_logs"),
        ("select * from training_data.events where id = $1", "SELECT training_data.events"),
        ("SELECT count(*) FROM (SELECT 1 FROM a) sub", "SELECT"),  // a subquery: no table named
        ("UPDATE artifacts SET x = 1", "UPDATE artifacts"),
        ("DELETE FROM bugs WHERE id = 1", "DELETE bugs"),
        ("CREATE TABLE IF NOT EXISTS runs (id int)", "CREATE runs"),
        ("  \n  VACUUM", "VACUUM"),
        ("", "sqlite"),
    ])
    func aStatementIsNamedByItsOperationAndTable(_ sql: String, _ name: String) {
        let summary = StatementSummary(sql: sql)
        #expect(summary.spanName(system: "sqlite") == name)
    }
}
