import Testing
import ToolHostTestSupport
@testable import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory

/// The full-text search of an upgraded database finds the rows it held before: the catalogue
/// comparison sees the search's tables and indexes, not whether they index anything (migration
/// 8 makes the searches of earlier versions again, and must fill them).
@Suite("Migration upgrades keep search")
struct MigrationUpgradeSearchTests {
    @Test(arguments: Engine.allCases, StartingLevel.all)
    func searchFindsEveryRowSeededBeforeTheUpgrade(engine: Engine, start: StartingLevel) throws {
        let upgraded = try UpgradedDatabase(engine, from: start)
        for search in try Self.searches(engine, upgraded.connection) {
            let expected = upgraded.rowsBefore[search.table.description]?.count ?? 0
            let found = try upgraded.connection.run("SELECT count(*) AS n FROM \(search.table.quoted) WHERE \(search.condition)", search.values)
                .rows.first?["n"]?.integerValue
            #expect(found == expected, "searching \(search.table) for the seeded word after upgrading from \(start)")
        }
    }

    struct Search {
        let table: TableName
        let condition: String
        let values: [SQLValue]
    }

    /// Each searched table with a condition matching the word every seeded text holds, as the
    /// stores search (SQLite indexes new rows first, as they do).
    private static func searches(_ engine: Engine, _ connection: any DatabaseConnection) throws -> [Search] {
        var indexes = [BulkSchema.logSearch, BulkSchema.bugSearch]
        if engine == .sqlite { indexes += [PromptEvolutionSchema.querySearch, PromptEvolutionSchema.answerSearch] }
        var searches: [Search] = []
        for index in indexes {
            try index.catchUp(on: connection)
            var builder = SQLStatementBuilder(dialect: connection.dialect)
            let condition = index.condition(matching: "seed", builder: &builder)
            searches.append(Search(table: index.table, condition: condition, values: builder.values))
        }
        if engine == .postgres {
            searches += [PromptEvolutionSchema.queryVector, PromptEvolutionSchema.answerVector].map {
                Search(table: PromptEvolutionSchema.steps, condition: "\($0) @@ plainto_tsquery('english', 'seed')", values: [])
            }
        }
        return searches
    }
}
