import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostTools

/// Where the `sql` index keeps its vector files for a configuration (README "Semantic memory").
@Suite struct VectorFilePlacementTests {
    @Test func vectorFilesLieBesideASQLiteFileAndInTheCacheForPostgreSQL() {
        var config = HostConfig(toolsPaths: ["/srv/tools"], catalogueCache: CatalogueCacheSettings(directory: "/srv/cache"),
                                database: DatabaseSettings(path: "/srv/data/toolhost.db"))
        let sqlite = config.memoryVectorFiles
        #expect(sqlite == "/srv/data/toolhost.db-vectors")

        config.database.path = ":memory:"
        let inMemory = config.memoryVectorFiles
        #expect(inMemory == nil)

        // PostgreSQL: one folder per server and database under the cache, named by a hash
        // (the password never appears in a path).
        config.database.kind = .postgres
        config.database.url = "postgresql://app:s3cret@db.internal:5432/memory"
        let first = config.memoryVectorFiles
        config.database.url = "postgresql://app:s3cret@db.internal:5432/other"
        let second = config.memoryVectorFiles
        #expect(first?.hasPrefix("/srv/cache/vectors/") == true)
        #expect(first?.contains("s3cret") == false)
        #expect(first != second)
    }
}
