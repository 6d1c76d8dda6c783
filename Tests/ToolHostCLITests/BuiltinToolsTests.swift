import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// The built-in tools' definitions ship inside the binary: with no configuration at all, every
/// front end sees them; a YAML of the same id on a configured path overrides one on purpose.
@Suite("Built-in tools with no configuration")
struct BuiltinToolsTests {
    let folder = EmptyFolder()
    static let builtins = ["artifact_store", "audio_features", "bulk_data_store", "conversation_store", "postgres_client", "prompt_evolution_store",
                           "tools_manager", "training_data_store"]

    @Test func listDescribeAndRunSeeThemFromAnEmptyFolder() throws {
        let listed = try folder.run(["list", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let tools = listed.json["data"]?.arrayValue ?? []
        #expect(tools.compactMap { $0["id"]?.stringValue } == Self.builtins)
        #expect(tools.allSatisfy { $0["builtin"] == true && $0["problems"] == nil && $0["runner"]?.stringValue?.hasPrefix("handler:") == true })
        #expect(listed.json["problems"] == nil)

        let described = try folder.run(["describe", "bulk_data_store", "--format", "json"])
        #expect(described.status == 0)
        #expect(described.json["file"] == "<built-in>/bulk_data_store.yaml")
        #expect(described.json["builtin"] == true)
        // One branch per operation, keyed on `operation`: store_log's says what it takes.
        let storeLog = described.json["input_schema"]?["oneOf"]?.arrayValue?.first { $0["properties"]?["operation"]?["const"] == "store_log" }
        #expect(storeLog?["properties"]?["details"]?["type"] == "object")
        #expect(storeLog?["required"] == ["operation", "tool_id", "log_level", "message"])

        let managed = try folder.run(["run", "tools_manager"], input: #"{"operation": "list"}"#)
        #expect(managed.json["count"] == 8)
        let searched = try folder.run(["search", "store logs and bug reports", "--json"])
        #expect(searched.json["data"]?[0]?["tool"] == "bulk_data_store", "\(searched.stdoutText)")
        #expect(folder.workContents.isEmpty)
    }

    @Test func aYAMLOfTheSameIdOverridesTheBuiltInAndSaysSo() throws {
        folder.root.write("mine/bulk_data_store.yaml", "name: My bulk store\nexecutable: {command: cat}\n")
        let mine = ["--tools-dir", folder.root.url("mine")]
        let listed = try folder.run(["list", "--json"] + mine)
        let entry = listed.json["data"]?.arrayValue?.first { $0["id"] == "bulk_data_store" }
        #expect(entry?["builtin"] == false)
        #expect(entry?["file"] == .string(folder.root.url("mine/bulk_data_store.yaml")))
        #expect(entry?["overrides"] == ["<built-in>/bulk_data_store.yaml"])
        let table = try folder.run(["list"] + mine)
        #expect(table.stdoutText.contains("[overrides] "))
        #expect(table.stdoutText.contains("[built-in] "))
        let ran = try folder.run(["run", "bulk_data_store"] + mine, input: #"{"operation": "anything"}"#)
        #expect(ran.json == ["operation": "anything"])  // the plugin (cat), not the handler
        let described = try folder.run(["describe", "bulk_data_store", "--format", "json"] + mine)
        #expect(described.json["overrides"] == ["<built-in>/bulk_data_store.yaml"])
    }

    @Test func anMCPClientConfiguredTheUsualWaySeesThem() throws {
        // {"command": "toolhost", "args": ["serve", "--mcp"]}: no flags, no config, any folder.
        let server = [folder.binary.path, "serve", "--mcp"]
        let listed = try MCPClient.run(["list"], server: server, environment: folder.environment(), directory: folder.work)
        #expect(listed.status == 0, "\(listed.json)")
        let names = listed.json["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names == Self.builtins)
        let schema = listed.json["tools"]?.arrayValue?.first { $0["name"] == "postgres_client" }?["inputSchema"]
        #expect(schema?["properties"]?["sql"]?["type"] == "string")
        let called = try MCPClient.run(["call", "postgres_client", #"{"operation": "query", "sql": "SELECT 1 AS one"}"#],
                                       server: server, environment: folder.environment(), directory: folder.work)
        #expect(called.json["isError"] == false, "\(called.json)")
        #expect(called.json["text"]?.stringValue?.contains("\"one\":1") == true, "\(called.json)")
        #expect(folder.workContents.isEmpty)
    }

    @Test func theHTTPToolListHasThem() async throws {
        let server = try await HTTPServer.start(binary: folder.binary, in: folder.work, environment: folder.environment())
        let listed = try await server.send("GET", "/api/tools")
        #expect(listed.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == Self.builtins)
        let described = try await server.send("GET", "/api/tools/artifact_store")
        #expect(described.status == 200)
        try await server.expectCleanExit()
    }

    @Test func anAgentCannotRegisterAToolUnderABuiltInId() throws {
        let yaml = "name: Postgres Client\\nexecutable: {command: cat}\\n"
        let refused = try folder.run(["run", "tools_manager"], input: #"{"operation": "register_tool", "yaml": "\#(yaml)", "id": "postgres_client"}"#)
        #expect(refused.status != 0)
        #expect(refused.json["error_code"] == "conflicting_tool_definitions", "\(refused.stdoutText)")
    }
}

/// Configuration and data never land in someone else's project.
@Suite("Where configuration comes from and data goes")
struct ConfigurationPlacementTests {
    let folder = EmptyFolder()

    @Test func aForeignConfigYAMLIsIgnoredWithOneLineAndDataGoesToTheUsersDataDirectory() throws {
        // code-evolver's own config.yaml, with a database ToolHost must not try to reach.
        let foreign = "llm:\n  models: {}\ndatabase:\n  enabled: true\n  type: postgres\n  host: 192.0.2.1\n  port: 1\n"
        try foreign.write(toFile: FilePath.join(folder.work, "config.yaml"), atomically: true, encoding: .utf8)
        let stored = try folder.run(["run", "bulk_data_store"], input: #"{"operation": "store_log", "tool_id": "t", "log_level": "info", "message": "hi"}"#)
        #expect(stored.status == 0, "\(stored.stdoutText) \(stored.stderr)")
        let lines = stored.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(stored.stderr)")
        #expect(lines.first?.contains("config.yaml is not a ToolHost config") == true)
        #expect(folder.workContents == ["config.yaml"])
        #expect(FileManager.default.fileExists(atPath: FilePath.join(folder.dataDirectory, "toolhost.db")))

        let status = try folder.run(["db", "status"])
        #expect(status.stdoutText.contains(FilePath.join(folder.dataDirectory, "toolhost.db")), "\(status.stdoutText)")
        let json = try folder.run(["db", "status", "--json"])
        #expect(json.json["path"] == .string(FilePath.join(folder.dataDirectory, "toolhost.db")), "\(json.stdoutText)")
    }

    @Test func xdgDataHomeIsHonouredAndWithoutItTheDataGoesUnderHome() throws {
        let elsewhere = try folder.run(["db", "status", "--json"], environment: ["XDG_DATA_HOME": folder.root.url("elsewhere")])
        #expect(elsewhere.json["path"] == .string(folder.root.url("elsewhere/toolhost/toolhost.db")), "\(elsewhere.stdoutText)")
        let home = try folder.run(["db", "status", "--json"], environment: ["XDG_DATA_HOME": ""])
        #expect(home.json["path"] == .string(folder.root.url("home/.local/share/toolhost/toolhost.db")), "\(home.stdoutText)")
    }

    @Test func aConfigYAMLWithTheMarkerOrAToolhostYAMLIsUsed() throws {
        try "toolhost: 1\ndatabase:\n  path: marked.db\n".write(toFile: FilePath.join(folder.work, "config.yaml"), atomically: true, encoding: .utf8)
        let marked = try folder.run(["run", "bulk_data_store"], input: #"{"operation": "initialize_schema"}"#)
        #expect(marked.status == 0, "\(marked.stderr)")
        #expect(marked.stderr.isEmpty, "\(marked.stderr)")
        #expect(FileManager.default.fileExists(atPath: FilePath.join(folder.work, "marked.db")))

        try "database:\n  path: own.db\n".write(toFile: FilePath.join(folder.work, "toolhost.yaml"), atomically: true, encoding: .utf8)
        let own = try folder.run(["db", "status", "--json"])
        #expect(own.json["path"] == .string(FilePath.join(folder.work, "own.db")))
    }
}
