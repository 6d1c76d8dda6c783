import Testing
import ToolHostTestSupport
@testable import ToolHostStorage

/// A shipped migration is frozen: a database that recorded it never runs it again, so an edit
/// would reach fresh databases only and leave every other one behind (schema drift). Each
/// migration's statements on a fresh database are pinned here by their SHA-256, per engine.
@Suite("Migration checksums")
struct MigrationChecksumTests {
    /// Version → SHA-256 of its statements (`MigrationRecording.checksum`). A new migration
    /// adds its line; a line never changes.
    static let pinned: [Engine: [Int: String]] = [
        .sqlite: [
            1: "d4bd85f384b1cedb43c3d88b4a8472dedfa094af6b8ca6a7578cede46e7a1f38",
            2: "0be7a5e21443b790e6641a23c584cd3946812f7fdc3ec8594b8941d677d41f81",
            3: "a09a0e8972bab796b8e3d4c30f8d0f654b0fff25465f0fffe37e5984ee9fcb77",
            4: "34662ede8d64d15e06a97a1e542320b5f969ca956cd7e204d0fa8f03b7ff09e8",
            5: "6ead0cc23e5285c77f66eb2cf4745994883adc8909557b99f23e954d58249739",
            6: "e5a17557b19bc89d25af0264679dbed295e886092f211fc1596923736b268ac5",
            7: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            8: "c7325c95aa2ef6ac933256a6978615bbe574b691bb29410836d78ac4a71f329c",
        ],
        .postgres: [
            1: "9881ceae91ccaa4ba08458cf7478575bc5b710018e47829f0ac49151dc2b36a3",
            2: "9fadb5611bd6cddcb803214bb5fc6d053ad27a94900721aec0a41f9ebc3fe8d9",
            3: "d260debe5da4ef6d2d979d4f4978cd5937ca0cf0e380c8c7f6d64e9f9704faff",
            4: "13f14604e577b4511e635d1c47bd9c9ad29873d8fb9d5e9f93b526e9df2e7990",
            5: "9cce5e728a00638ebcc0cc24ef228d0cfc9ef9b527765baf8a6b1d43a7ef2571",
            6: "e9fbfb7b33319a58ae1ea693be496c90265195d9b1719569a9eea97c7ea10a58",
            7: "fe796c50cf54c25aeaa76868ddc31add79c8b382bf19c9b21a74b4da9dbb6ff4",
            8: "2df9ed231f9ee734756a1e7fe46b2b747df139ffdeaa0456ea29a12e21a6ca06",
        ],
    ]

    @Test(arguments: Engine.allCases)
    func everyShippedMigrationRunsTheSQLItShippedWith(engine: Engine) throws {
        let statements = try MigrationRecording.statements(engine)
        for migration in SchemaMigrations.all {
            let checksum = MigrationRecording.checksum(statements[migration.version] ?? [])
            let shipped = Self.pinned[engine]?[migration.version]
            if let shipped {
                #expect(checksum == shipped, """
                    migration \(migration.version) changed after it shipped (\(engine)): add a new migration instead of editing it \
                    (it now runs SQL of SHA-256 \(checksum), pinned \(shipped))
                    """)
            } else {
                Issue.record("migration \(migration.version) is not pinned (\(engine)): add \(migration.version): \"\(checksum)\" to MigrationChecksumTests.pinned")
            }
        }
    }

    /// Every pinned migration still exists: a shipped one is never taken out either.
    @Test(arguments: Engine.allCases)
    func noPinnedMigrationIsTakenOut(engine: Engine) {
        let known = Set(SchemaMigrations.all.map(\.version))
        let missing = (Self.pinned[engine] ?? [:]).keys.filter { !known.contains($0) }.sorted()
        #expect(missing.isEmpty, "shipped migrations \(missing) are gone (\(engine)): databases that recorded them expect them")
    }
}
