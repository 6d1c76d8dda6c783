import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostMemory
@testable import ToolHostStorage
@testable import ToolHostTools

/// artifact_store's validity fields (`valid_from`, `valid_to`, `supersedes`), its search
/// options (`as_of`, `include_outdated`, `ranking`) and the mistakes it refuses, as
/// `toolhost run` calls them, on both engines.
@Suite struct ArtifactStoreFactsTests {
    static func store(_ host: HandlerHarness, _ id: String, _ fields: JSONObject = [:]) throws {
        var input: JSONObject = ["operation": "store_artifact", "artifact_id": .string(id), "artifact_type": "code_fix",
                                 "name": "Pool size", "content": "Set the connection pool size of the worker"]
        for (key, value) in fields { input[key] = value }
        try host.succeed("artifact_store", input)
    }

    static func ids(_ answer: JSONValue) -> [String] {
        answer["data"]?.arrayValue?.compactMap { $0["artifact_id"]?.stringValue } ?? []
    }

    @Test(arguments: Engine.allCases)
    func aSupersededFactIsFoundOnlyWhenAskedAndSaysWhatReplacedIt(engine: Engine) throws {
        let host = try HandlerHarness(engine)
        try Self.store(host, "pool-10", ["content": "Set the connection pool size of the worker to 10", "valid_from": "2026-01-01T00:00:00Z"])
        try Self.store(host, "pool-20", ["content": "Set the connection pool size of the worker to 20", "valid_from": "2026-03-01T00:00:00+02:00",
                                         "supersedes": "pool-10"])
        let search: JSONObject = ["operation": "find_similar", "query": "worker connection pool size", "top_k": 5]
        let current = try host.succeed("artifact_store", search)
        #expect(Self.ids(current) == ["pool-20"])
        #expect(current["data"]?[0]?["supersedes"] == "pool-10")
        #expect(current["data"]?[0]?["valid_from"] == "2026-02-28T22:00:00Z")  // time zones read as the rest of ToolHost reads them
        #expect(current["data"]?[0]?["superseded_by"] == nil)

        var then = search
        then["as_of"] = "2026-02-01"
        #expect(Self.ids(try host.succeed("artifact_store", then)) == ["pool-10"])
        var everything = search
        everything["include_outdated"] = true
        let all = try host.succeed("artifact_store", everything)
        #expect(Set(Self.ids(all)) == ["pool-10", "pool-20"])
        let old = all["data"]?.arrayValue?.first { $0["artifact_id"] == "pool-10" }
        #expect(old?["superseded_by"] == ["pool-20"])

        for ranking in ["text", "hybrid", "vectors"] {
            var ranked = search
            ranked["ranking"] = .string(ranking)
            #expect(Self.ids(try host.succeed("artifact_store", ranked)) == ["pool-20"], "\(ranking)")
        }
        let got = try host.succeed("artifact_store", ["operation": "get_artifact", "artifact_id": "pool-10"])
        #expect(got["artifact"]?["superseded_by"] == ["pool-20"])
        let newer = try host.succeed("artifact_store", ["operation": "get_artifact", "artifact_id": "pool-20"])
        #expect(newer["artifact"]?["superseded_by"] == nil)
        #expect(newer["artifact"]?["supersedes"] == "pool-10")
    }

    @Test(arguments: Engine.allCases)
    func anExpiredFactLeavesTheListingAndTheSearch(engine: Engine) throws {
        let host = try HandlerHarness(engine)
        try host.succeed("artifact_store", ["operation": "store_artifact", "artifact_id": "bug-old", "artifact_type": "bug_report",
                                            "content": "Login fails on Safari", "created_at": "2020-01-01T00:00:00Z", "valid_to": "1d"])
        try host.succeed("artifact_store", ["operation": "store_artifact", "artifact_id": "bug-now", "artifact_type": "bug_report",
                                            "content": "Login fails on Firefox"])
        let listed = try ArtifactReader(config: host.invoker.config).recent(offset: 0, limit: 10).compactMap { $0["artifact_id"]?.stringValue }
        #expect(listed == ["bug-now"])
        #expect(try ArtifactReader(config: host.invoker.config).artifact("bug-old") != nil)  // still read by id
    }

    @Test(arguments: Engine.allCases)
    func mistakesInValidityAreRefusedWithTheirPaths(engine: Engine) throws {
        let host = try HandlerHarness(engine)
        let cases: [(JSONObject, String)] = [
            (["operation": "store_artifact", "artifact_id": "a", "artifact_type": "code_fix", "content": "x", "supersedes": "a"], "/supersedes"),
            (["operation": "store_artifact", "artifact_type": "code_fix", "content": "x", "valid_from": "2026-02-01", "valid_to": "2026-01-01"],
             "/valid_to"),
            (["operation": "store_artifact", "artifact_type": "code_fix", "content": "x", "valid_to": "yesterday"], "/valid_to"),
            (["operation": "find_similar", "query": "x", "as_of": "last week"], "/as_of"),
            (["operation": "find_similar", "query": "x", "as_of": "7d", "include_outdated": true], "/include_outdated"),
            (["operation": "find_similar", "query": "x", "ranking": "bm25"], "/ranking"),
        ]
        for (input, path) in cases {
            let answer = try host.call("artifact_store", input)
            #expect(answer["error_code"] == "invalid_input", "\(input)")
            let paths = answer["violations"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
            #expect(paths.contains(path), "\(input): \(answer)")
        }
    }
}
