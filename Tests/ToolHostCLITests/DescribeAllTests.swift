import Foundation
import Testing
import ToolHostCore
import ToolHostTestSupport

/// `toolhost describe --all`: the whole catalogue as one MCP `tools/list` or OpenAI `tools`
/// array, and `--strict` held to OpenAI's published strict-mode rules (`OpenAIStrictRules`).
@Suite("describe --all and OpenAI strict mode")
struct DescribeAllTests {
    let folder = TemporaryDirectory()
    let binary = ToolHostBinary()

    init() {
        folder.write("tools/echo.yaml", """
            name: Echo
            description: Prints its input back
            executable: {command: cat}
            input_schema:
              message: {type: string, required: true, minLength: 1}
              times: {type: integer, minimum: 1, default: 1}
              mode: {type: string, enum: [plain, loud]}
              when: {type: string, format: date-time}
              labels: {type: array, items: {type: string}, uniqueItems: true}
              target:
                type: object
                properties:
                  host: {type: string, format: hostname}
                  port: {type: integer}
                required: [host]
            """)
        folder.write("tools/open.yaml", """
            name: Open
            description: Takes any metadata
            executable: {command: cat}
            input_schema:
              metadata: {type: object, description: any keys at all}
            """)
        folder.write("tools/combined.yaml", """
            name: Combined
            description: A schema with allOf
            executable: {command: cat}
            input_schema:
              type: object
              properties:
                a: {type: string}
              allOf:
                - required: [a]
            """)
    }

    private func run(_ arguments: [String], input: String? = nil) throws -> ToolHostBinary.Result {
        try binary.run(arguments + ["--tools-dir", folder.url("tools")], stdin: input.map { Array($0.utf8) }, directory: folder.path)
    }

    private func array(_ result: ToolHostBinary.Result) -> [JSONValue] { result.json.arrayValue ?? [] }

    @Test func mcpPrintsEveryToolOfTheCatalogueInOneArray() throws {
        let described = try run(["describe", "--all", "--format", "mcp"])
        let listed = try run(["list", "--json"])
        let single = try run(["describe", "echo", "--format", "mcp"])
        let entries = array(described)
        let names = entries.compactMap { $0["name"]?.stringValue }
        let ids = listed.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        let echo = entries.first { $0["name"] == "echo" }
        #expect(described.status == 0)
        #expect(names == ids)
        #expect(names.contains("bulk_data_store") && names.contains("open"))
        #expect(entries.allSatisfy { $0["inputSchema"]?["type"] == "object" })
        #expect(echo == single.json)
    }

    @Test func openAIPrintsOneToolsArray() throws {
        let described = try run(["describe", "--all", "--format", "openai"])
        let listed = try run(["list", "--json"])
        let entries = array(described)
        let count = listed.json["count"]?.integerValue
        #expect(described.status == 0)
        #expect(entries.count == count)
        #expect(entries.allSatisfy { $0["type"] == "function" && $0["function"]?["parameters"] != nil })
        #expect(entries.allSatisfy { $0["function"]?["strict"] == nil })
    }

    @Test func strictEntriesKeepEveryPublishedRule() throws {
        let described = try run(["describe", "--all", "--format", "openai", "--strict"])
        let entries = array(described)
        let strict = entries.filter { $0["function"]?["strict"] == true }
        let broken = strict.map { ($0["function"]?["name"]?.stringValue ?? "?", OpenAIStrictRules.violations(of: $0)) }.filter { !$0.1.isEmpty }
        let strictNames = Set(strict.compactMap { $0["function"]?["name"]?.stringValue })
        #expect(described.status == 0)
        #expect(broken.isEmpty, "\(broken)")
        // The built-in tools take free-form objects (metadata, details), which strict mode cannot
        // express; audio_features takes only scalars.
        #expect(strictNames == ["audio_features", "echo"])
    }

    @Test func aSchemaStrictModeCannotExpressKeepsItsPlainEntryAndSaysWhy() throws {
        let described = try run(["describe", "--all", "--format", "openai", "--strict"])
        let entries = array(described)
        let open = entries.first { $0["function"]?["name"] == "open" }
        let combined = entries.first { $0["function"]?["name"] == "combined" }
        #expect(open?["function"]?["strict"] == false)
        #expect(open?["function"]?["parameters"]?["properties"]?["metadata"] == ["type": "object", "description": "any keys at all"])
        #expect(combined?["function"]?["strict"] == false)
        #expect(described.stderr.contains("open is not strict: at /properties/metadata: an object with no declared properties (any keys)"))
        #expect(described.stderr.contains("combined is not strict: at /: 'allOf', which strict mode does not support"))
        #expect(described.stderr.contains("bulk_data_store is not strict: at /properties/details: an object with no declared properties"))
        #expect(described.stderr.contains("2 of 11 tools strict, 9 not"))
    }

    @Test func optionalFieldsBecomeRequiredAndNullableAndTheHostTakesTheirNulls() throws {
        let described = try run(["describe", "echo", "--format", "openai", "--strict"])
        let parameters = described.json["function"]?["parameters"]
        let required = parameters?["required"]?.arrayValue?.compactMap(\.stringValue)
        let times = parameters?["properties"]?["times"]
        let target = parameters?["properties"]?["target"]
        // What a model in strict mode sends for "not given": null, which the host reads as absent.
        let call = try run(["run", "echo"], input: #"{"message": "hi", "times": null, "mode": null, "when": null, "labels": null, "target": null}"#)
        #expect(described.json["function"]?["strict"] == true)
        #expect(required == ["message", "times", "mode", "when", "labels", "target"])
        #expect(parameters?["properties"]?["message"] == ["type": "string"])
        #expect(times?["type"] == ["integer", "null"])
        #expect(times?["description"]?.stringValue?.contains("Default: 1.") == true)
        #expect(parameters?["properties"]?["mode"]?["enum"] == ["plain", "loud", nil])
        #expect(target?["required"] == ["host", "port"] && target?["additionalProperties"] == false)
        #expect(target?["properties"]?["port"]?["type"] == ["integer", "null"])
        #expect(parameters?["additionalProperties"] == false)
        #expect(call.status == 0)
        #expect(call.json["message"] == "hi")
    }

    @Test func strictNeedsTheOpenAIFormatAndAToolOrAll() throws {
        let mcpStrict = try run(["describe", "--all", "--format", "mcp", "--strict"])
        let neither = try run(["describe"])
        let both = try run(["describe", "echo", "--all"])
        #expect(mcpStrict.status == 64)
        #expect(mcpStrict.stderr.contains("--strict applies to --format openai only."))
        #expect(neither.status == 64)
        #expect(both.status == 64)
    }
}
