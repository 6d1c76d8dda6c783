import Foundation
import Testing
import ToolHostCore
import ToolHostStorage
import ToolHostTestSupport
@testable import ToolHostMemory

/// Vector files (`VectorMatrixFile`): a search writes its collection's matrix beside the
/// database, a new process maps it instead of reading the database, and a file that is stale,
/// damaged or of another database is never trusted, only written again.
@Suite struct VectorFileTests {
    static let engines: [MemoryBackend] = [.sqliteSQL, .postgresSQL]
    static let query = "postgres transaction deadlock"

    /// One database and the folder its vector files go to.
    final class Store {
        let fixture: MemoryFixture
        let files = TemporaryDirectory()

        init(_ backend: MemoryBackend) throws {
            fixture = try MemoryFixture(backend)
        }

        func store(_ artifacts: [Artifact]) throws {
            _ = try fixture.with(vectorFiles: files.path) { memory throws(ToolHostError) in try memory.store(artifacts) }
        }

        /// (id, score) of the best five, as a search in this process answers now.
        func search(scope: String? = nil) throws -> [String] {
            try fixture.with(vectorFiles: files.path, scope: scope) { memory throws(ToolHostError) in
                try memory.findSimilar(VectorFileTests.query, limit: 5).map { "\($0.artifactID) \($0.displayedScore)" }
            }
        }

        /// The matrix this process searched last, for the default collection and embedder.
        func held(scope: String? = nil) throws -> VectorMatrix? {
            let embedder = try fixture.with { memory throws(ToolHostError) in memory.embedder.fingerprint }
            return ResidentVectors.held("\(scope ?? fixture.scope)\u{1}\(ArtifactMemory.defaultCollection)\u{1}\(embedder)")
        }

        var vectorFiles: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: files.path)) ?? []).filter { $0.hasSuffix(".vectors") }.sorted()
        }

        var filePath: String? { vectorFiles.first.map { files.url($0) } }
    }

    @Test(arguments: engines)
    func aNewProcessSearchesTheFileTheFirstOneWrote(backend: MemoryBackend) throws {
        let store = try Store(backend)
        try store.store(ArtifactMemoryTests.corpus)
        let first = try store.search()
        #expect(first.first?.hasPrefix("fix-deadlock ") == true)
        let files = store.vectorFiles
        #expect(files.count == 1)
        let built = try store.held()
        #expect(built?.isMapped == false)

        ResidentVectors.forget(scope: store.fixture.scope)  // as a new process starts
        let second = try store.search()
        #expect(second == first)
        let mapped = try store.held()
        #expect(mapped?.isMapped == true)
        #expect(mapped?.generation == built?.generation)
    }

    @Test(arguments: engines)
    func aWriteByAnotherConnectionMakesTheFileStale(backend: MemoryBackend) throws {
        let store = try Store(backend)
        try store.store(ArtifactMemoryTests.corpus)
        _ = try store.search()
        let before = try store.held()?.generation

        // Another connection (as another process would) stores a closer match.
        let other = try store.fixture.database.connect()
        let memory = try ArtifactMemory(connection: other, settings: backend.settings, scope: store.fixture.scope)
        _ = try memory.store([ArtifactMemoryTests.artifact("fix-deadlock-2", "code_fix", "Postgres transaction deadlock",
                                                           "postgres transaction deadlock: retry the transaction")])

        ResidentVectors.forget(scope: store.fixture.scope)
        let after = try store.search()
        #expect(after.first?.hasPrefix("fix-deadlock-2 ") == true)
        let rebuilt = try store.held()
        #expect(rebuilt?.isMapped == false)
        #expect(rebuilt?.generation != before)
        // Brought up to date from the stale file: only the new row's vector was read.
        #expect(rebuilt?.count == 5)
        #expect(rebuilt?.rowsRead == 1)

        // The file was written again, at the new generation: the next process maps it.
        ResidentVectors.forget(scope: store.fixture.scope)
        let again = try store.search()
        #expect(again == after)
        let mapped = try store.held()
        #expect(mapped?.isMapped == true)
    }

    @Test(arguments: engines)
    func aRefreshAfterChangesAndDeletionsAnswersAsAWholeReadDoes(backend: MemoryBackend) throws {
        let store = try Store(backend)
        let notes = (0..<10).map { ArtifactMemoryTests.artifact("note-\($0)", "pattern", "Note \($0)", "note \($0) on topic \($0 * 7)") }
        try store.store(ArtifactMemoryTests.corpus + notes)
        _ = try store.search()

        // Another connection deletes one row, changes one and adds one.
        let other = try ArtifactMemory(connection: try store.fixture.database.connect(), settings: backend.settings, scope: store.fixture.scope)
        _ = try other.delete("prompt-summary")
        var cake = ArtifactMemoryTests.corpus[4]
        cake.content = "postgres transaction deadlock while baking"
        _ = try other.store([cake, ArtifactMemoryTests.artifact("note-new", "pattern", "Deadlock", "a postgres deadlock note")])

        ResidentVectors.forget(scope: store.fixture.scope)
        let refreshed = try store.search()
        let matrix = try store.held()
        #expect(matrix?.rowsRead == 2)
        #expect(matrix?.count == 14)

        // The same answers as reading every vector again.
        for file in store.vectorFiles { try FileManager.default.removeItem(atPath: store.files.url(file)) }
        ResidentVectors.forget(scope: store.fixture.scope)
        let whole = try store.search()
        let read = try store.held()
        #expect(read?.rowsRead == 14)
        #expect(refreshed == whole)
        #expect(whole.contains { $0.hasPrefix("plan-cake ") })
        #expect(!whole.contains { $0.hasPrefix("prompt-summary ") })
    }

    enum Damage: String, CaseIterable, CustomStringConvertible {
        case truncated, headerByte = "header byte", idByte = "id byte", emptied
        var description: String { rawValue }

        func apply(to path: String) throws {
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            switch self {
            case .truncated: bytes.removeLast(bytes.count / 3)
            case .headerByte: bytes[20] ^= 0x01
            case .idByte: bytes[bytes.count - 60] ^= 0x20  // inside the ids or the attributes
            case .emptied: bytes = []
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
    }

    @Test(arguments: engines, Damage.allCases)
    func aDamagedFileIsReadAgainFromTheDatabaseAndRewritten(backend: MemoryBackend, damage: Damage) throws {
        let store = try Store(backend)
        try store.store(ArtifactMemoryTests.corpus)
        let first = try store.search()
        let path = try #require(store.filePath)
        try damage.apply(to: path)

        ResidentVectors.forget(scope: store.fixture.scope)
        let second = try store.search()
        #expect(second == first)
        let read = try store.held()
        #expect(read?.isMapped == false)

        ResidentVectors.forget(scope: store.fixture.scope)
        let third = try store.search()
        #expect(third == first)
        let mapped = try store.held()
        #expect(mapped?.isMapped == true)
    }

    /// Each row's validity (its own, cut where a newer entry supersedes it) is kept in the file:
    /// a new process answers "valid now", `as_of` and everything from the mapped file as the
    /// database would, and a refresh recomputes what a new supersession cuts.
    @Test(arguments: engines)
    func validityTravelsInTheFileAndThroughARefresh(backend: MemoryBackend) throws {
        let store = try Store(backend)
        typealias Facts = ArtifactValidityTests
        try store.store([Facts.fix("old", from: -30), Facts.fix("new", from: -10, supersedes: "old"),
                         Facts.fix("expired", from: -20, to: -5), Facts.fix("scheduled", from: 5), Facts.fix("plain", from: -1)]
                        + ArtifactMemoryTests.corpus)
        func found(_ validity: ValidityFilter) throws -> Set<String> {
            Set(try store.fixture.with(vectorFiles: store.files.path) { memory throws(ToolHostError) in
                try memory.findSimilar("deadlock retry transaction", limit: 50, validity: validity)
            }.map(\.artifactID).filter { ["old", "new", "expired", "scheduled", "plain", "newer"].contains($0) })
        }
        let answers = [try found(.current), try found(.validAt(Facts.daysFromNow(-15))), try found(.everything)]
        #expect(answers == [["new", "plain"], ["old", "expired"], ["old", "new", "expired", "scheduled", "plain"]])

        ResidentVectors.forget(scope: store.fixture.scope)  // a new process: the mapped file
        let fromFile = [try found(.current), try found(.validAt(Facts.daysFromNow(-15))), try found(.everything)]
        #expect(fromFile == answers)
        #expect(try store.held()?.isMapped == true)

        // "plain" is superseded now: its vector is kept by the refresh, its validity cut.
        try store.store([Facts.fix("newer", from: 0, supersedes: "plain")])
        ResidentVectors.forget(scope: store.fixture.scope)
        let now = try found(.current)
        #expect(now == ["new", "newer"])
        let refreshed = try store.held()
        #expect(refreshed?.rowsRead == 1)
        let before = try found(.validAt(Timestamp(seconds: Timestamp.now().seconds - Facts.day / 2)))
        #expect(before == ["new", "plain"])
    }

    @Test(arguments: engines)
    func aFileOfAnotherDatabaseAtTheSamePlaceIsNotUsed(backend: MemoryBackend) throws {
        let first = try Store(backend)
        try first.store(ArtifactMemoryTests.corpus)
        _ = try first.search()
        let path = try #require(first.filePath)

        // Another database whose files are looked for under the same name and scope (a
        // database made again at the same path, or another server behind the same address).
        let second = try Store(backend)
        try second.store(Array(ArtifactMemoryTests.corpus.suffix(2)))
        try FileManager.default.copyItem(atPath: path, toPath: second.files.url(URL(fileURLWithPath: path).lastPathComponent))
        ResidentVectors.forget(scope: first.fixture.scope)
        let found = try second.search(scope: first.fixture.scope)
        // Only the plan is indexed there (the performance record goes to bulk storage).
        let ids = found.map { String($0.split(separator: " ")[0]) }
        #expect(ids == ["plan-cake"])
        let held = try second.held(scope: first.fixture.scope)
        #expect(held?.isMapped == false)
    }
}
