import Testing
import ToolHostTestSupport
@testable import ToolHostCore

@Suite("toolhost list, describe and validate, through the real binary")
struct CatalogueCommandTests {
    let fixture = CLIFixture()

    @Test func versionAndHelpWork() throws {
        let version = try fixture.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdoutText.trimmingSpaces == ToolHostVersion.current)
        let help = try fixture.run(["run", "--help"])
        #expect(help.stdoutText.contains("--envelope"))
    }

    @Test func listShowsEveryLoadableToolAndReportsTheBrokenFile() throws {
        let result = try fixture.run(["list"])
        #expect(result.status == 0)
        for id in ["echo", "text", "fail", "hang", "flood", "chat"] {
            #expect(result.stdoutText.contains(id), "\(id) missing from list")
        }
        #expect(!result.stdoutText.contains("broken"))
        #expect(result.stderr.contains("broken.yaml"))
    }

    @Test func listFiltersAndPrintsJSON() throws {
        let result = try fixture.run(["list", "--json", "--tag", "json"])
        #expect(result.json["count"] == 1)
        #expect(result.json["data"]?[0]?["id"] == "echo")
        let llm = try fixture.run(["list", "--json", "--type", "llm"])
        #expect(llm.json["data"]?.arrayValue?.map { $0["id"] } == ["chat"])
        #expect(llm.json["data"]?[0]?["runner"] == "type:llm")
    }

    @Test func listNamesOverridesBetweenToolsDirectories() throws {
        fixture.directory.write("mine/echo.yaml", "name: My echo\ntype: executable\nexecutable: {command: cat}\n")
        let result = try fixture.run(["list", "--tools-dir", "tools", "--tools-dir", "mine", "--json"])
        let echo = result.json["data"]?.arrayValue?.first { $0["id"] == "echo" }
        #expect(echo?["name"] == "My echo")
        #expect(echo?["overrides"]?[0]?.stringValue?.hasSuffix("tools/echo/echo.yaml") == true)
    }

    @Test func secondListingUsesTheCacheAndSeesChanges() throws {
        let first = try fixture.run(["list", "--json"])
        #expect(fixture.directory.exists(".cache/toolhost"))
        fixture.directory.write("tools/new/new.yaml", "name: New\ntype: executable\nexecutable: {command: cat}\n")
        let second = try fixture.run(["list", "--json"])
        #expect(second.json["count"]?.integerValue == (first.json["count"]?.integerValue ?? 0) + 1)
    }

    @Test(arguments: ["yaml", "json", "mcp", "openai"])
    func describePrintsEveryFormat(format: String) throws {
        let result = try fixture.run(["describe", "echo", "--format", format])
        #expect(result.status == 0)
        let description: JSONValue = format == "yaml"
            ? (try YAMLDocument.parse(result.stdoutText).root)
            : result.json
        switch format {
        case "mcp": #expect(description["inputSchema"]?["required"] == ["message"])
        case "openai": #expect(description["function"]?["parameters"]?["properties"]?["times"]?["default"] == 1)
        default:
            #expect(description["input_schema"]?["properties"]?["message"]?["minLength"] == 1)
            #expect(description["tags"] == ["test", "json"])
        }
    }

    @Test func describeOfAnUnknownToolFailsWithSuggestions() throws {
        let result = try fixture.run(["describe", "ehco"])
        #expect(result.status == 127)
        #expect(result.stderr.contains("Did you mean 'echo'"))
    }

    @Test func validateReportsEveryProblemWithFileAndLine() throws {
        fixture.directory.write("lint/bad.yaml", """
            name: Bad
            type: executable
            executable:
              command: python3
              timeout: never
            input_schema:
              count: {type: numbr}
            name: Bad again
            """)
        let result = try fixture.run(["validate", "tools", "lint/bad.yaml"])
        #expect(result.status == 1)
        #expect(result.stdoutText.contains("tools/broken/broken.yaml:3:1: error: not valid YAML: while parsing a flow sequence (which began at line 2, column 15)"))
        #expect(result.stdoutText.contains("lint/bad.yaml:5: error:"))
        #expect(result.stdoutText.contains("lint/bad.yaml:7: warning:"))
        #expect(result.stdoutText.contains("lint/bad.yaml:8: warning: duplicate key 'name'"))
        let json = try fixture.run(["validate", "lint/bad.yaml", "--json"])
        #expect(json.json["valid"] == false)
        #expect(json.json["count"] == 3)
    }

    @Test func validatePassesACleanCatalogueAndStrictFailsOnWarnings() throws {
        fixture.directory.write("clean/ok.yaml", "name: OK\ntype: executable\nexecutable: {command: cat}\n")
        #expect(try fixture.run(["validate", "clean"]).status == 0)
        fixture.directory.write("clean/odd.yaml", "name: Odd\ntype: teleporter\nexecutable: {command: cat}\n")
        let lenient = try fixture.run(["validate", "clean"])
        #expect(lenient.status == 0)
        #expect(lenient.stdoutText.contains("warning"))
        #expect(try fixture.run(["validate", "clean", "--strict"]).status == 1)
    }

    @Test func conflictingDuplicatesAreAValidationError() throws {
        fixture.directory.write("dup/a/same.yaml", "name: A\ntype: executable\nexecutable: {command: cat}\n")
        fixture.directory.write("dup/b/same.yaml", "name: B\ntype: executable\nexecutable: {command: cat}\n")
        let result = try fixture.run(["validate", "dup"])
        #expect(result.status == 1)
        #expect(result.stdoutText.contains("dup/a/same.yaml") && result.stdoutText.contains("dup/b/same.yaml"))
    }

    @Test func theShippedCatalogueIsClean() throws {
        let result = try fixture.run(["validate", "--strict", ToolHostPaths.shippedTools])
        #expect(result.status == 0, "\(result.stdoutText)")
    }

    @Test func theShippedExamplePluginsWork() throws {
        let words = try fixture.run(["run", "word_stats", "--tools-dir", ToolHostPaths.shippedTools],
                                    input: #"{"text": "the cat and the hat", "top": 1}"#)
        #expect(words.status == 0)
        #expect(words.json["words"] == 5)
        #expect(words.json["top_words"] == [["the", 2]])

        fixture.directory.write("sample.txt", "one\ntwo\n")
        let info = try fixture.run(["run", "file_info", "--tools-dir", ToolHostPaths.shippedTools],
                                   input: "{\"path\": \"\(fixture.directory.url("sample.txt"))\"}")
        #expect(info.status == 0)
        #expect(info.json["lines"] == 2)
        #expect(info.json["sha256"]?.stringValue?.count == 64)
    }
}
