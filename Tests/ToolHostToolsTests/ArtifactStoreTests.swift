import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostMemory
@testable import ToolHostStorage
@testable import ToolHostTools

/// artifact_store, tools_manager search and training_data_store index_to_rag the way
/// `toolhost run` calls them (schema validation included), on both engines.
@Suite struct ArtifactStoreTests {
    @Test(arguments: Engine.allCases)
    func answersSayWhereEachRecordWent(engine: Engine) throws {
        let host = try HandlerHarness(engine)
        let fix = try host.succeed("artifact_store", ["operation": "store_artifact", "artifact_type": "code_fix", "name": "Retry on deadlock",
                                                      "content": "Retry the transaction on SQLSTATE 40P01", "tags": ["postgres"]])
        #expect(fix["routed_to"] == ["vector"])  // code fixes are looked up by meaning
        let id = try #require(fix["artifact_id"]?.stringValue)
        #expect(id.hasPrefix("code_fix-"))
        let again = try host.succeed("artifact_store", ["operation": "store_artifact", "artifact_type": "code_fix", "name": "Retry on deadlock",
                                                        "content": "Retry the transaction on SQLSTATE 40P01", "tags": ["postgres"]])
        #expect(again["artifact_id"]?.stringValue == id)  // derived from content: no duplicate
        let batch = try host.succeed("artifact_store", ["operation": "store_artifacts", "artifacts": [
            ["artifact_id": "p1", "artifact_type": "prompt", "content": "You review pull requests"],
            ["artifact_id": "m1", "artifact_type": "perf_data", "content": "p95 12 ms"],
            ["artifact_id": "x1", "artifact_type": "my_own_type", "content": "something else"],
        ]])
        #expect(batch["count"] == 3)
        #expect(batch["stored"]?[0]?["routed_to"] == ["vector"])
        #expect(batch["stored"]?[1]?["routed_to"] == ["bulk"])
        #expect(batch["stored"]?[2]?["routed_to"] == ["bulk"])  // unknown types follow default_route

        let found = try host.succeed("artifact_store", ["operation": "find_similar", "query": "deadlock in a postgres transaction", "top_k": 2])
        #expect(found["data"]?[0]?["artifact_id"]?.stringValue == id)
        #expect((found["data"]?[0]?["score"]?.numberValue ?? 0) > 0)
        #expect(found["data"]?[0]?["name"] == "Retry on deadlock")
        let got = try host.succeed("artifact_store", ["operation": "get_artifact", "artifact_id": "p1"])
        #expect(got["stored_in"] == ["vector"])
        #expect(got["artifact"]?["content"] == "You review pull requests")
        let deleted = try host.succeed("artifact_store", ["operation": "delete_artifact", "artifact_id": .string(id)])
        #expect(deleted["deleted_from"] == ["vector"])
        let stats = try host.succeed("artifact_store", ["operation": "stats"])
        #expect(stats["bulk"]?["count"] == 2)
        #expect(stats["collections"]?[0]?["count"] == 1)
        #expect(stats["embedder"] == "hashing-v1:384")
    }

    /// The routing of DiSE's bulk-storage design and code-evolver's config.yaml, with no config.
    @Test(arguments: Engine.allCases)
    func theDefaultRoutingIsCodeEvolvers(engine: Engine) throws {
        let host = try HandlerHarness(engine)
        let expected: [(types: [String], destinations: JSONValue)] = [
            (["failure", "bug_report", "debug_data", "perf_data", "conversation"], ["bulk"]),
            (["plan", "function", "sub_workflow", "workflow", "tool", "prompt", "pattern", "code_fix"], ["vector"]),
            (["performance", "evaluation"], ["bulk", "vector"]),
        ]
        for (types, destinations) in expected {
            for type in types {
                let stored = try host.succeed("artifact_store", ["operation": "store_artifact", "artifact_type": .string(type),
                                                                 "content": .string("an artifact of type \(type)")])
                #expect(stored["routed_to"] == destinations, "\(type)")
                let got = try host.succeed("artifact_store", ["operation": "get_artifact", "artifact_id": stored["artifact_id"] ?? .null])
                #expect(got["stored_in"] == destinations, "\(type)")
            }
        }
    }

    @Test(arguments: Engine.allCases)
    func routingFollowsTheConfiguration(engine: Engine) throws {
        let host = try HandlerHarness(engine) { config in
            config.memory.routing.vectorTypes = ["plan"]
            config.memory.routing.hybridTypes = []
            config.memory.routing.defaultRoute = .hybrid
        }
        let plan = try host.succeed("artifact_store", ["operation": "store_artifact", "artifact_type": "plan", "content": "step one"])
        #expect(plan["routed_to"] == ["vector"])
        let other = try host.succeed("artifact_store", ["operation": "store_artifact", "artifact_type": "anything", "content": "step two"])
        #expect(other["routed_to"] == ["bulk", "vector"])
    }

    @Test(arguments: Engine.allCases)
    func badInputIsRefusedWithStableCodesAndStoresNothing(engine: Engine) throws {
        let host = try HandlerHarness(engine)
        let cases: [(JSONObject, String, String)] = [
            (["operation": "store_artifact", "content": "x"], "invalid_input", "/artifact_type"),
            (["operation": "store_artifact", "artifact_type": "plan"], "invalid_input", "/content"),
            (["operation": "store_artifact", "artifact_type": "plan", "content": "x", "tags": [1, 2]], "invalid_input", "/tags/0"),
            (["operation": "store_artifact", "artifact_type": "plan", "content": "x", "created_at": "yesterday-ish"], "invalid_input", "/created_at"),
            (["operation": "store_artifacts", "artifacts": [["artifact_type": "plan", "content": "ok"], ["content": "no type"]]], "invalid_input", "/artifacts/1/artifact_type"),
            (["operation": "find_similar"], "invalid_input", "/query"),
            (["operation": "find_similar", "query": "x", "top_k": 0], "invalid_input", "/top_k"),
            (["operation": "find_similar", "query": "x", "tag_match": "some"], "invalid_input", "/tag_match"),
            (["operation": "find_similar", "query": "the of and"], "invalid_input", "/query"),
            (["operation": "store_artifact", "artifact_type": "plan", "content": "x", "collection": "tools"], "invalid_input", "/collection"),
            (["operation": "store_artifact", "artifact_type": .string(String(repeating: "t", count: 101)), "content": "x"], "invalid_input", "/artifact_type"),
            (["operation": "get_artifact", "artifact_id": "missing"], "not_found", ""),
            (["operation": "delete_artifact", "artifact_id": "missing"], "not_found", ""),
        ]
        for (input, code, path) in cases {
            let answer = try host.call("artifact_store", input)
            #expect(answer["success"] == false, "\(input)")
            #expect(answer["error_code"]?.stringValue == code, "\(input): \(answer)")
            if !path.isEmpty {
                let paths = answer["violations"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
                #expect(paths.contains(path), "\(input): \(answer)")
            }
        }
        // The batch with one bad record stored none of its records.
        #expect(try host.sql("SELECT count(*) AS n FROM memory_artifacts").first?["n"] == 0)
        #expect(try host.sql("SELECT count(*) AS n FROM memory_vectors").first?["n"] == 0)
    }

    @Test func pgvectorOnSQLiteIsRefusedWithWhatToDo() throws {
        let host = try HandlerHarness(.sqlite) { $0.memory.index = .pgvector }
        let answer = try host.call("artifact_store", ["operation": "stats"])
        #expect(answer["error_code"] == "vector_index_unavailable")
        #expect(answer["error"]?.stringValue?.contains("memory.index: sql") == true)
    }

    @Test(arguments: Engine.allCases)
    func toolsManagerSearchFindsToolsByNeedAndIndexesIncrementally(engine: Engine) throws {
        let host = try HandlerHarness(engine)
        let first = try host.succeed("tools_manager", ["operation": "search", "query": "count the words and lines of a text", "limit": 3])
        #expect(first["data"]?[0]?["tool"] == "word_stats")
        let indexed = first["index"]?["embedded"]?.integerValue ?? 0
        #expect(indexed >= 8)
        let second = try host.succeed("tools_manager", ["operation": "search", "query": "export conversations for fine-tuning"])
        #expect(second["data"]?[0]?["tool"] == "conversation_store")
        #expect(second["index"]?["embedded"] == 0)
        #expect(second["index"]?["unchanged"]?.integerValue == indexed)
        // A tool added to the catalogue is indexed by the next search, and only it.
        _ = host.directory.write("extra/weather.yaml", """
            name: Weather
            type: executable
            description: Current temperature and forecast for a city
            executable: {command: "true"}
            """)
        let third = try host.succeed("tools_manager", ["operation": "search", "query": "temperature forecast in Paris", "limit": 1])
        #expect(third["data"]?[0]?["tool"] == "weather")
        #expect(third["index"]?["embedded"] == 1)
        let typed = try host.succeed("tools_manager", ["operation": "search", "query": "temperature forecast", "type": "llm"])
        #expect(typed["count"] == 0)
    }

    @Test(arguments: Engine.allCases)
    func trainingRowsBecomeRetrievableExamples(engine: Engine) throws {
        let host = try HandlerHarness(engine)
        try host.succeed("training_data_store", ["operation": "store_tool_executions", "executions": [
            ["tool_name": "word_stats", "input_params": ["text": "count these words please"], "success": true],
            ["tool_name": "file_info", "input_params": ["path": "/etc/hostname"], "success": true],
            ["tool_name": "word_stats", "input_params": ["text": "broken"], "success": false],
        ]])
        let indexed = try host.succeed("training_data_store", ["operation": "index_to_rag", "data_type": "tool_executions",
                                                               "filters": ["success": true]])
        #expect(indexed["selected"] == 2)
        #expect(indexed["embedded"] == 2)
        #expect(indexed["collection"] == "training_data_examples")
        let again = try host.succeed("training_data_store", ["operation": "index_to_rag", "data_type": "tool_executions", "filters": ["success": true]])
        #expect(again["embedded"] == 0 && again["unchanged"] == 2)
        let examples = try host.succeed("artifact_store", ["operation": "find_similar", "collection": "training_data_examples",
                                                           "query": "size of the file /etc/hostname", "top_k": 1])
        #expect(examples["data"]?[0]?["name"] == "file_info")
        #expect(examples["data"]?[0]?["metadata"]?["row"]?["input_params"]?["path"] == "/etc/hostname")
        // A row that is gone (deleted, archived by retention) leaves the index at the next call.
        let fileInfoRow = try #require(try host.sql("SELECT id FROM \(engine == .postgres ? "training_data." : "")training_tool_executions WHERE tool_name = 'file_info'").first?["id"]?.integerValue)
        _ = try host.sql("DELETE FROM \(engine == .postgres ? "training_data." : "")training_tool_executions WHERE id = \(fileInfoRow)")
        let pruned = try host.succeed("training_data_store", ["operation": "index_to_rag", "data_type": "tool_executions", "filters": ["success": true]])
        #expect(pruned["removed"] == 1)
        let after = try host.succeed("artifact_store", ["operation": "find_similar", "collection": "training_data_examples",
                                                        "query": "size of the file /etc/hostname", "top_k": 5])
        #expect(after["data"]?.arrayValue?.contains { $0["name"] == "file_info" } == false)
        let refused = try host.call("training_data_store", ["operation": "index_to_rag", "data_type": "tool_executions", "limit": 0])
        #expect(refused["error_code"] == "invalid_input")
    }
}
