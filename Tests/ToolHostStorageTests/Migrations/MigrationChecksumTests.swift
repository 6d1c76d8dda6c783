import Testing
import ToolHostTestSupport
@testable import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory

/// A shipped migration is frozen: a database that recorded it never runs it again, so an edit
/// would reach some databases only and leave every other one behind (schema drift). What each
/// migration runs is pinned here by its SHA-256 (`MigrationRecording.checksum`), per engine,
/// on a fresh database and on one holding an older deployment's tables (the adoption path).
/// A new migration adds its lines; a line never changes.
@Suite("Migration checksums")
struct MigrationChecksumTests {
    /// Version → SHA-256 of its statements on a fresh database.
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
            9: "bc41b0a78d4a3cd5087ee1188e2081121d322fab8430ea6f3b3f508337b3766d",
            10: "70d4d21d393b5d39cb82d6e1297f584a93db6bfcc913c266c8fb1e2cdc2875ed",
            11: "e47c612ddba96f7e1ddb01c8f189b1fe8c64d10dd4e6cf9eac547f69bfee1364",
            12: "b83d3e506176509fbb866ba3286c77ccb61f1ac35acd71d67ce16d4afc0afc35",
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
            9: "52a7f5a539635b555b23af4fe9373961fa9ff10f803702204c3addbdb3ab16cd",
            10: "8a74f1bd7eceb8ffd676bb118bc006650cf23deaf007e06cadbb3357803eee02",
            11: "38372a4d2d136313fde98d82260cb87bf803df8757a640f7028eb8d4fed80f25",
            12: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ],
    ]

    /// Version → SHA-256 of its statements on a database holding `OlderDeployment`'s tables.
    static let pinnedAdopting: [Engine: [Int: String]] = [
        .sqlite: [
            1: "1f4bec7c5731eb8c8c4e092a9843361ef9bb43b3fd66c3485e67fc80611c1dbd",
            2: "0be7a5e21443b790e6641a23c584cd3946812f7fdc3ec8594b8941d677d41f81",
            3: "4f6f522947a1694eef6eb25b93479f2adbd79c0f308c9b135086e6a35c46e63a",
            4: "34662ede8d64d15e06a97a1e542320b5f969ca956cd7e204d0fa8f03b7ff09e8",
            5: "6ead0cc23e5285c77f66eb2cf4745994883adc8909557b99f23e954d58249739",
            6: "e5a17557b19bc89d25af0264679dbed295e886092f211fc1596923736b268ac5",
            7: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            8: "c7325c95aa2ef6ac933256a6978615bbe574b691bb29410836d78ac4a71f329c",
            9: "bc41b0a78d4a3cd5087ee1188e2081121d322fab8430ea6f3b3f508337b3766d",
            10: "70d4d21d393b5d39cb82d6e1297f584a93db6bfcc913c266c8fb1e2cdc2875ed",
            11: "e47c612ddba96f7e1ddb01c8f189b1fe8c64d10dd4e6cf9eac547f69bfee1364",
            12: "b83d3e506176509fbb866ba3286c77ccb61f1ac35acd71d67ce16d4afc0afc35",
        ],
        .postgres: [
            1: "1f8293a5923ec290e27b3a7571c8039bc15ae6d931b61f41bb506c803e937574",
            2: "9fadb5611bd6cddcb803214bb5fc6d053ad27a94900721aec0a41f9ebc3fe8d9",
            3: "1ac6220247fb0004e47301c9efa5d3f8d9b6aae797fc135a438258327d7de239",
            4: "13f14604e577b4511e635d1c47bd9c9ad29873d8fb9d5e9f93b526e9df2e7990",
            5: "9cce5e728a00638ebcc0cc24ef228d0cfc9ef9b527765baf8a6b1d43a7ef2571",
            6: "e9fbfb7b33319a58ae1ea693be496c90265195d9b1719569a9eea97c7ea10a58",
            7: "fe796c50cf54c25aeaa76868ddc31add79c8b382bf19c9b21a74b4da9dbb6ff4",
            8: "2df9ed231f9ee734756a1e7fe46b2b747df139ffdeaa0456ea29a12e21a6ca06",
            9: "52a7f5a539635b555b23af4fe9373961fa9ff10f803702204c3addbdb3ab16cd",
            10: "8a74f1bd7eceb8ffd676bb118bc006650cf23deaf007e06cadbb3357803eee02",
            11: "38372a4d2d136313fde98d82260cb87bf803df8757a640f7028eb8d4fed80f25",
            12: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ],
    ]

    @Test(arguments: Engine.allCases)
    func everyShippedMigrationRunsTheSQLItShippedWith(engine: Engine) throws {
        let statements = try MigrationRecording.statements(engine)
        Self.check(statements, against: Self.pinned, engine, on: "a fresh database", list: "pinned")
    }

    @Test(arguments: Engine.allCases)
    func everyShippedMigrationAdoptsOlderTablesAsItShipped(engine: Engine) throws {
        let existing = OlderDeployment.bulkTables(engine) + ";\n" + OlderDeployment.conversationTables(engine)
        let statements = try MigrationRecording.statements(engine, existing: existing)
        Self.check(statements, against: Self.pinnedAdopting, engine, on: "an older deployment's tables", list: "pinnedAdopting")
    }

    /// Every pinned migration still exists: a shipped one is never taken out either.
    @Test(arguments: Engine.allCases)
    func noPinnedMigrationIsTakenOut(engine: Engine) {
        let known = Set(SchemaMigrations.all.map(\.version))
        let pinned = Set((Self.pinned[engine] ?? [:]).keys).union((Self.pinnedAdopting[engine] ?? [:]).keys)
        let missing = pinned.filter { !known.contains($0) }.sorted()
        #expect(missing.isEmpty, "shipped migrations \(missing) are gone (\(engine)): databases that recorded them expect them")
    }

    private static func check(_ statements: [Int: [String]], against pinned: [Engine: [Int: String]], _ engine: Engine,
                              on database: String, list: String) {
        for migration in SchemaMigrations.all {
            let checksum = MigrationRecording.checksum(statements[migration.version] ?? [])
            if let shipped = pinned[engine]?[migration.version] {
                #expect(checksum == shipped, """
                    migration \(migration.version) changed after it shipped (\(engine), on \(database)): add a new migration \
                    instead of editing it (it now runs SQL of SHA-256 \(checksum), pinned \(shipped))
                    """)
            } else {
                Issue.record("migration \(migration.version) is not pinned (\(engine), on \(database)): add \(migration.version): \"\(checksum)\" to MigrationChecksumTests.\(list)")
            }
        }
    }
}
