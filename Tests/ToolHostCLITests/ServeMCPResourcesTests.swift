import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// MCP resources (`toolhost://artifacts|tools|exports/...`) of `toolhost serve --mcp` and of
/// `/mcp` over Streamable HTTP, read by the official Python MCP SDK
/// (scripts/mcp-resources-client.py, beside mcp-client.py). Without it these tests fail.
@Suite("MCP resources with the official Python client", .serialized)
struct ServeMCPResourcesTests {
    let fixture = CLIFixture()
    let database: TestDatabase
    static let token = "resources-secret"

    init() throws {
        database = try TestDatabase(.sqlite)
        fixture.directory.write("config.yaml", """
            tools: {paths: [tools], generated_path: generated}
            files: {export_dir: exports, resource_read_max_bytes: 2000}
            """)
        fixture.directory.write("tools/.keep", "")
        fixture.directory.write("generated/adder/adder.yaml", "name: adder\ndescription: Adds.\n")
        fixture.directory.write("generated/adder/adder.py", "print(1 + 1)\n")
        fixture.directory.write("exports/rows.jsonl", "{\"a\":1}\n")
        fixture.directory.write("exports/table.csv", "a,b\n1,2\n")
        fixture.directory.write("exports/huge.csv", String(repeating: "x", count: 5000))
        fixture.directory.write("exports/late.jsonl.partial-1", "{\"half\":")
        fixture.directory.write("outside.txt", "secret")
    }

    private func client(_ arguments: [String], url: String? = nil, on other: TestDatabase? = nil) throws -> (status: Int32, json: JSONValue) {
        let variables = ProcessInfo.processInfo.environment
        guard let python = variables["TOOLHOST_TEST_PYTHON"], let mcpClient = variables["TOOLHOST_TEST_MCP_CLIENT"] else {
            throw MCPClient.Unavailable(description: "TOOLHOST_TEST_PYTHON and TOOLHOST_TEST_MCP_CLIENT are not set: run the tests with scripts/test.sh")
        }
        let script = URL(fileURLWithPath: mcpClient).deletingLastPathComponent().appendingPathComponent("mcp-resources-client.py").path
        let server = [fixture.binary.path, "serve", "--mcp", "--config", "config.yaml"]
        let target = url.map { ["--url", $0, "--header", "Authorization: Bearer \(Self.token)"] } ?? ["--"] + server
        let process = try RunningProcess(python, [script] + arguments + target, environment: (other ?? database).environment, directory: fixture.directory.path)
        let ended = try process.waitForExit(within: 120)
        let text = ended.remaining.joined(separator: "\n")
        return (ended.status, (try? JSONParser.parse(text)) ?? .string("<not JSON: \(text); stderr: \(process.stderr)>"))
    }

    private func storeBugReport(_ name: String, on other: TestDatabase? = nil) throws -> String {
        let stored = try fixture.run(["run", "artifact_store", "--config", "config.yaml"],
                                     input: #"{"operation": "store_artifact", "artifact_type": "bug_report", "name": "\#(name)", "content": "crash in \#(name)"}"#,
                                     environment: (other ?? database).environment)
        return stored.json["artifact_id"]?.stringValue ?? "<not stored: \(stored.stdoutText)>"
    }

    @Test func templatesListingAndReadsOfEachKindOverStdio() throws {
        let first = try storeBugReport("first")
        let second = try storeBugReport("second")
        let run = try client(["--read", "toolhost://artifacts/\(second)", "--read", "toolhost://tools/adder",
                              "--read", "toolhost://exports/rows.jsonl", "--read", "toolhost://exports/table.csv"])
        #expect(run.status == 0, "\(run.json)")
        let templates = run.json["templates"]
        #expect(templates == ["toolhost://artifacts/{id}", "toolhost://tools/{id}", "toolhost://exports/{name}"], "\(run.json)")
        let uris = (run.json["resources"]?.arrayValue ?? []).compactMap { $0["uri"]?.stringValue }
        let artifactURIs = uris.filter { $0.hasPrefix("toolhost://artifacts/") }
        #expect(Set(artifactURIs) == ["toolhost://artifacts/\(first)", "toolhost://artifacts/\(second)"], "\(uris)")
        #expect(uris.contains("toolhost://tools/adder"), "\(uris)")
        let exports = Set(uris.filter { $0.hasPrefix("toolhost://exports/") })
        #expect(exports == ["toolhost://exports/rows.jsonl", "toolhost://exports/table.csv", "toolhost://exports/huge.csv"], "\(uris)")

        let artifact = run.json["reads"]?["toolhost://artifacts/\(second)"]?["contents"]?[0]
        let document = try JSONParser.parse(artifact?["text"]?.stringValue ?? "")
        #expect(artifact?["mimeType"] == "application/json" && document["content"] == "crash in second", "\(run.json)")
        let tool = run.json["reads"]?["toolhost://tools/adder"]?["contents"]
        #expect(tool?[0]?["mimeType"] == "application/yaml" && tool?[0]?["text"] == "name: adder\ndescription: Adds.\n", "\(run.json)")
        #expect(tool?[1]?["mimeType"] == "text/x-python" && tool?[1]?["text"] == "print(1 + 1)\n", "\(run.json)")
        let rows = run.json["reads"]?["toolhost://exports/rows.jsonl"]?["contents"]?[0]
        #expect(rows?["mimeType"] == "application/x-ndjson" && rows?["text"] == "{\"a\":1}\n", "\(run.json)")
        let table = run.json["reads"]?["toolhost://exports/table.csv"]?["contents"]?[0]
        #expect(table?["mimeType"] == "text/csv", "\(run.json)")
    }

    @Test(arguments: Engine.allCases)
    func artifactsAreListedNewestFirstAndReadOnEitherDatabase(engine: Engine) throws {
        let other = try TestDatabase(engine)
        let older = try storeBugReport("older", on: other)
        let newer = try storeBugReport("newer", on: other)
        let run = try client(["--read", "toolhost://artifacts/\(older)"], on: other)
        let uris = (run.json["resources"]?.arrayValue ?? []).compactMap { $0["uri"]?.stringValue }.filter { $0.hasPrefix("toolhost://artifacts/") }
        #expect(uris == ["toolhost://artifacts/\(newer)", "toolhost://artifacts/\(older)"], "\(engine): \(run.json)")
        let text = run.json["reads"]?["toolhost://artifacts/\(older)"]?["contents"]?[0]?["text"]?.stringValue ?? ""
        let document = try JSONParser.parse(text)
        #expect(document["name"] == "older" && document["stored_in"] == ["bulk"], "\(engine): \(run.json)")
    }

    @Test func traversalUnknownIDsPartialExportsAndOversizedFilesAreRefused() throws {
        _ = try FileManager.default.createSymbolicLink(atPath: fixture.directory.url("exports/link.txt"), withDestinationPath: fixture.directory.url("outside.txt"))
        let refused = ["toolhost://exports/..%2Foutside.txt", "toolhost://tools/../config.yaml", "toolhost://exports/link.txt"]
        let unknown = ["toolhost://artifacts/no-such-artifact", "toolhost://tools/nothing", "toolhost://exports/late.jsonl.partial-1", "toolhost://elsewhere/x"]
        let run = try client((refused + unknown + ["toolhost://exports/huge.csv"]).flatMap { ["--read", $0] })
        #expect(run.status == 0, "\(run.json)")
        for uri in refused {
            let error = run.json["reads"]?[uri]?["error"]
            #expect(error?["code"] == -32602 && error?["message"]?.stringValue?.contains("refused") == true, "\(uri): \(run.json)")
        }
        for uri in unknown {
            let error = run.json["reads"]?[uri]?["error"]
            #expect(error?["code"] == -32002, "\(uri): \(run.json)")
        }
        let huge = run.json["reads"]?["toolhost://exports/huge.csv"]?["error"]?["message"]?.stringValue ?? ""
        #expect(huge.contains("files.resource_read_max_bytes (2000)"), "\(run.json)")
        let uris = (run.json["resources"]?.arrayValue ?? []).compactMap { $0["uri"]?.stringValue }
        #expect(!uris.contains { $0.contains("partial") || $0.contains("link.txt") }, "\(uris)")

        // The export is listed once ExportWriter's rename has put it in place.
        try FileManager.default.moveItem(atPath: fixture.directory.url("exports/late.jsonl.partial-1"), toPath: fixture.directory.url("exports/late.jsonl"))
        let after = try client([])
        let listed = (after.json["resources"]?.arrayValue ?? []).compactMap { $0["uri"]?.stringValue }
        #expect(listed.contains("toolhost://exports/late.jsonl"), "\(after.json)")
    }

    @Test func aResourceReadsOverStreamableHTTP() async throws {
        let environment = database.environment.merging(["TOOLHOST_HTTP_TOKEN": Self.token]) { $1 }
        let server = try await HTTPServer.start(fixture, ["--config", "config.yaml"], environment: environment)
        let run = try client(["--read", "toolhost://exports/rows.jsonl"], url: "http://127.0.0.1:\(server.port)/mcp")
        let rows = run.json["reads"]?["toolhost://exports/rows.jsonl"]?["contents"]?[0]
        #expect(rows?["text"] == "{\"a\":1}\n" && rows?["mimeType"] == "application/x-ndjson", "\(run.json)")
    }
}
