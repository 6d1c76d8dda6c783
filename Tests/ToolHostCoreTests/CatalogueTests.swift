import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

@Suite("Discovering and resolving the catalogue")
struct CatalogueTests {
    static func tool(_ name: String, command: String = "echo") -> String {
        "name: \"\(name)\"\ntype: executable\nexecutable:\n  command: \(command)\n"
    }

    @Test func findsYamlAndYmlFilesRecursivelyAndSkipsHiddenFolders() {
        let directory = TemporaryDirectory()
        directory.write("tools/a.yaml", Self.tool("A"))
        directory.write("tools/deep/er/b.yml", Self.tool("B"))
        directory.write("tools/.git/c.yaml", Self.tool("C"))
        directory.write("tools/readme.md", "not a tool")
        let catalogue = ToolsManager(roots: [directory.url("tools")]).loadCatalogue()
        #expect(catalogue.tools.keys.sorted() == ["a", "b"])
        #expect(catalogue.tools["b"]?.name == "B")
        #expect(catalogue.diagnostics.isEmpty)
    }

    @Test func identicalDuplicatesInOneDirectoryAreOneToolWithANote() {
        let directory = TemporaryDirectory()
        directory.write("tools/one/same.yaml", Self.tool("Same"))
        directory.write("tools/two/same.yaml", "# a comment does not make it different\n" + Self.tool("Same"))
        let catalogue = ToolsManager(roots: [directory.url("tools")]).loadCatalogue()
        #expect(catalogue.tools["same"]?.file == directory.url("tools/one/same.yaml"))
        #expect(catalogue.conflicts.isEmpty)
        #expect(catalogue.diagnostics.map(\.severity) == [.note])
    }

    @Test func conflictingDuplicatesAreAnErrorNamingBothFilesAndTheRestLoads() throws {
        let directory = TemporaryDirectory()
        let first = directory.write("tools/one/clash.yaml", Self.tool("Clash", command: "echo"))
        let second = directory.write("tools/two/clash.yaml", Self.tool("Clash", command: "cat"))
        directory.write("tools/fine.yaml", Self.tool("Fine"))
        let manager = ToolsManager(roots: [directory.url("tools")])
        let catalogue = manager.loadCatalogue()
        #expect(catalogue.tools.keys.sorted() == ["fine"])
        #expect(catalogue.conflicts["clash"] == [first, second])
        let error = try #require(catalogue.diagnostics.first { $0.severity == .error })
        #expect(error.message.contains(first) && error.message.contains(second))
        // The targeted lookup `run` uses applies the same rule.
        #expect(throws: ToolHostError.self) { try manager.definition(for: "clash") }
        do {
            _ = try manager.definition(for: "clash")
        } catch {
            #expect(error.code == .conflictingDefinitions)
        }
        #expect(try manager.definition(for: "fine").name == "Fine")
    }

    @Test func laterToolsDirectoriesOverrideEarlierOnes() throws {
        let directory = TemporaryDirectory()
        let shipped = directory.write("shipped/t.yaml", Self.tool("Shipped"))
        directory.write("mine/t.yaml", Self.tool("Mine"))
        let manager = ToolsManager(roots: [directory.url("shipped"), directory.url("mine")])
        let catalogue = manager.loadCatalogue()
        #expect(catalogue.tools["t"]?.name == "Mine")
        #expect(catalogue.overrides["t"] == [shipped])
        #expect(catalogue.diagnostics.contains { $0.severity == .note && $0.message.contains("overrides") })
        #expect(try manager.definition(for: "t").name == "Mine")
    }

    @Test func brokenFilesAreReportedAndNeverStopTheOthers() throws {
        let directory = TemporaryDirectory()
        directory.write("tools/good.yaml", Self.tool("Good"))
        directory.write("tools/broken.yaml", "name: [unclosed\n")
        directory.write("tools/list.yaml", "- a\n- b\n")
        directory.write("tools/binary.yaml", bytes: [0x6E, 0x3A, 0x20, 0xFF, 0xFE, 0x00])
        let manager = ToolsManager(roots: [directory.url("tools")])
        let catalogue = manager.loadCatalogue()
        #expect(catalogue.tools.keys.sorted() == ["good"])
        #expect(Set(catalogue.failures.keys) == ["broken", "list", "binary"])
        #expect(catalogue.failures["broken"]?.first?.line != nil)
        do {
            _ = try manager.definition(for: "broken")
            Issue.record("a broken tool resolved")
        } catch {
            #expect(error.code == .invalidToolDefinition)
            #expect(error.message.contains("broken.yaml"))
        }
    }

    @Test func unknownIdsGetTheClosestSuggestions() {
        let directory = TemporaryDirectory()
        directory.write("tools/postgres_client.yaml", Self.tool("PG"))
        directory.write("tools/bulk_data_store.yaml", Self.tool("Bulk"))
        do {
            _ = try ToolsManager(roots: [directory.url("tools")]).definition(for: "postgres_clent")
            Issue.record("an unknown tool resolved")
        } catch {
            #expect(error.code == .unknownTool)
            #expect(error.details["suggestions"] == ["postgres_client"])
        }
    }

    @Test func missingToolsDirectoryIsAWarningNotAFailure() {
        let catalogue = ToolsManager(roots: ["/nonexistent/tools"]).loadCatalogue()
        #expect(catalogue.tools.isEmpty)
        #expect(catalogue.scanDiagnostics.first?.severity == .warning)
    }

    @Test func aBrokenOverrideBlocksTheToolInsteadOfFallingBackSilently() throws {
        let directory = TemporaryDirectory()
        directory.write("shipped/t.yaml", Self.tool("Shipped"))
        let broken = directory.write("mine/t.yaml", "name: [unclosed\n")
        let manager = ToolsManager(roots: [directory.url("shipped"), directory.url("mine")])
        let catalogue = manager.loadCatalogue()
        #expect(catalogue.tools["t"] == nil)
        #expect(catalogue.diagnostics.contains { $0.severity == .error && $0.message.contains("cannot run") })
        do {
            _ = try manager.definition(for: "t")
            Issue.record("the shipped tool ran in place of a broken override")
        } catch {
            #expect(error.code == .invalidToolDefinition)
            #expect(error.message.contains(broken))
        }
    }

    /// The cache is keyed by path, size, mtime, ctime and inode. An entry edited inside the
    /// cache file is what a load returns while the file is unchanged (which proves the cache is
    /// used); touching the file makes the next load read it again.
    @Test func cacheReusesUnchangedFilesAndRereadsChangedOnes() throws {
        let directory = TemporaryDirectory()
        let file = directory.write("tools/t.yaml", Self.tool("Real"))
        let manager = ToolsManager(roots: [directory.url("tools")],
                                   cache: CatalogueCacheSettings(isEnabled: true, directory: directory.url("cache")))
        #expect(manager.loadCatalogue().tools["t"]?.name == "Real")
        let cacheFiles = try FileManager.default.contentsOfDirectory(atPath: directory.url("cache"))
        #expect(cacheFiles.count == 1)
        let cacheFile = "cache/\(cacheFiles[0])"
        let cached = try #require(directory.read(cacheFile))
        #expect(cached.contains("\"Real\""))
        directory.write(cacheFile, cached.replacingOccurrences(of: "\"Real\"", with: "\"From cache\""))
        #expect(manager.loadCatalogue().tools["t"]?.name == "From cache")

        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(10)], ofItemAtPath: file)
        #expect(manager.loadCatalogue().tools["t"]?.name == "Real")

        directory.write(cacheFile, "{corrupt")
        #expect(manager.loadCatalogue().tools["t"]?.name == "Real")
    }
}
