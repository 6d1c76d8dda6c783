import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

@Suite("prompt_evolution_store on both engines")
struct PromptEvolutionStoreTests {
    private let tool = "prompt_evolution_store"

    private func save(_ harness: HandlerHarness, _ prompt: String, parent: String? = nil, corpus: String = "c1",
                      reviewer: String = "Check it.") throws -> String {
        var input: JSONObject = ["operation": "save_profile", "corpus_id": .string(corpus), "task_type": "qa",
                                 "profile": ["worker": ["system_prompt": .string(prompt)], "reviewer": ["system_prompt": .string(reviewer)]]]
        if let parent { input["parent_profile_id"] = .string(parent) }
        return try #require(try harness.succeed(tool, input)["profile_id"]?.stringValue)
    }

    private func refused(_ harness: HandlerHarness, _ input: JSONObject, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let answer = try harness.call(tool, input)
        #expect(answer["success"] == false, sourceLocation: sourceLocation)
        #expect(answer["error_code"] == .string(code), "\(answer)", sourceLocation: sourceLocation)
    }

    private func count(_ harness: HandlerHarness, _ table: String) throws -> Int? {
        try harness.sql("SELECT count(*) AS n FROM \(table)").first?["n"]?.integerValue
    }

    @Test(arguments: Engine.allCases)
    func profilesHaveVersionsALatestAHistoryAndALineage(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let first = try save(harness, "v1")
        let second = try save(harness, "v2", parent: first)
        let third = try save(harness, "v3", parent: second)
        let other = try save(harness, "elsewhere", corpus: "c2")

        let latest = try harness.succeed(tool, ["operation": "latest_profile", "corpus_id": "c1", "task_type": "qa"])
        #expect(latest["found"] == true && latest["profile"]?["id"] == .string(third))
        #expect(latest["profile"]?["version"] == 3 && latest["profile"]?["profile"]?["worker"]?["system_prompt"] == "v3")
        let none = try harness.succeed(tool, ["operation": "latest_profile", "corpus_id": "c9", "task_type": "qa"])
        #expect(none["found"] == false && none["profile"] == .null)

        let page = try harness.succeed(tool, ["operation": "profile_history", "corpus_id": "c1", "task_type": "qa", "limit": 2, "offset": 1])
        #expect(page["profiles"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [second, first])
        #expect(page["has_more"] == false)  // the first profile is the last one
        let firstPage = try harness.succeed(tool, ["operation": "profile_history", "corpus_id": "c1", "task_type": "qa", "limit": 2])
        #expect(firstPage["profiles"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [third, second])
        #expect(firstPage["has_more"] == true && firstPage["count"] == 2)

        let lineage = try harness.succeed(tool, ["operation": "profile_lineage", "profile_id": .string(third.uppercased())])
        #expect(lineage["ancestors"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [second, first])
        #expect(lineage["ancestors"]?.arrayValue?.compactMap { $0["depth"]?.integerValue } == [1, 2])
        #expect(lineage["cycle"] == false && lineage["truncated"] == false)
        let short = try harness.succeed(tool, ["operation": "profile_lineage", "profile_id": .string(third), "max_depth": 1])
        #expect(short["count"] == 1 && short["truncated"] == true)
        #expect(try harness.succeed(tool, ["operation": "profile_lineage", "profile_id": .string(other)])["count"] == 0)

        // A cycle made by hand ends the walk instead of looping.
        let connection = try harness.connection()
        _ = try connection.run(engine == .postgres ? "UPDATE hegel_prompt_profiles SET parent_profile_id = $1 WHERE id = $2"
                                                   : "UPDATE hegel_prompt_profiles SET parent_profile_id = ?1 WHERE id = ?2",
                               [.text(third), .text(first)])
        let looped = try harness.succeed(tool, ["operation": "profile_lineage", "profile_id": .string(third)])
        #expect(looped["ancestors"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [second, first])
        #expect(looped["cycle"] == true && looped["truncated"] == false)

        let explicit = try harness.succeed(tool, ["operation": "save_profile", "corpus_id": "c1", "task_type": "qa", "profile": [:], "version": 10])
        #expect(explicit["version"] == 10)
        let before = try count(harness, "hegel_prompt_profiles")
        try refused(harness, ["operation": "save_profile", "corpus_id": "c1", "task_type": "qa", "profile": [:],
                              "parent_profile_id": "00000000-0000-4000-8000-000000000000"], "not_found")
        try refused(harness, ["operation": "save_profile", "corpus_id": "c1", "task_type": "qa", "profile": [:], "parent_profile_id": "v1"], "invalid_input")
        try refused(harness, ["operation": "profile_lineage", "profile_id": "00000000-0000-4000-8000-000000000000"], "not_found")
        try refused(harness, ["operation": "profile_lineage", "profile_id": "not-a-uuid"], "invalid_input")
        try refused(harness, ["operation": "profile_lineage", "profile_id": .string(third), "max_depth": 100_000], "invalid_input")
        try refused(harness, ["operation": "save_profile", "corpus_id": "c1", "task_type": "qa", "profile": [:], "version": 3_000_000_000], "invalid_input")
        #expect(try count(harness, "hegel_prompt_profiles") == before)
    }

    @Test(arguments: Engine.allCases)
    func stepsAreLoggedSummarisedAndSearched(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let old = try save(harness, "v1")
        let new = try save(harness, "v2", parent: old)
        let one = try harness.succeed(tool, ["operation": "log_training_step", "corpus_id": "c1", "task_type": "qa", "old_profile_id": .string(old),
                                             "new_profile_id": .string(new), "query": "Did Shakespeare write Hamlet?", "predicted_answer": "Shakespeare wrote Hamlet",
                                             "gold_answer": "William Shakespeare", "reward": 1, "debate_trace": [["turn": 1]]])
        #expect(one["step_id"]?.integerValue != nil)
        let batch: [JSONValue] = [
            ["corpus_id": "c1", "task_type": "qa", "new_profile_id": .string(new), "query": "capital of France", "predicted_answer": "Paris",
             "gold_answer": "Paris", "reward": 0.5, "created_at": "2026-11-20T10:00:00Z"],
            ["corpus_id": "c1", "task_type": "qa", "query": "author of Macbeth", "predicted_answer": "Marlowe", "gold_answer": "Shakespeare",
             "reward": 0.0, "created_at": "2026-11-20T12:00:00Z"],
            ["corpus_id": "c2", "task_type": "math", "query": "2 + 2", "predicted_answer": "4", "gold_answer": "4", "reward": 0.25,
             "created_at": "2026-11-21T09:00:00Z"],
            ["corpus_id": "c1", "task_type": "qa", "query": "ancient", "reward": 0.9, "created_at": "2020-01-01T00:00:00Z"],
        ]
        #expect(try harness.succeed(tool, ["operation": "log_training_steps", "steps": .array(batch)])["count"] == 4)

        // Bad records and missing profiles store nothing.
        let stored = try count(harness, "hegel_training_steps")
        try refused(harness, ["operation": "log_training_step", "corpus_id": "c1", "task_type": "qa", "reward": 1,
                              "new_profile_id": "00000000-0000-4000-8000-000000000000"], "not_found")
        try refused(harness, ["operation": "log_training_steps", "steps": [
            ["corpus_id": "c1", "task_type": "qa", "reward": 1],
            ["corpus_id": "c1", "task_type": "qa", "reward": 1, "old_profile_id": "00000000-0000-4000-8000-000000000001"]]], "not_found")
        try refused(harness, ["operation": "log_training_steps", "steps": [["corpus_id": "c1", "task_type": "qa", "reward": 1],
                                                                          ["corpus_id": "c1", "task_type": "qa", "reward": "NaN"]]], "invalid_input")
        try refused(harness, ["operation": "log_training_step", "corpus_id": "c1", "task_type": "qa"], "invalid_input")
        #expect(try count(harness, "hegel_training_steps") == stored)

        let summary = try harness.succeed(tool, ["operation": "training_summary", "since": "2026-11-01", "until": "2026-11-21"])
        let groups = summary["groups"]?.arrayValue ?? []
        #expect(groups.count == 1)
        #expect(groups.first?["corpus_id"] == "c1" && groups.first?["steps"] == 2)
        #expect(groups.first?["avg_reward"]?.numberValue == 0.25 && groups.first?["max_reward"]?.numberValue == 0.5)
        let daily = try harness.succeed(tool, ["operation": "training_summary", "since": "2026-11-01", "until": "2026-11-22", "per_day": true])
        #expect(daily["groups"]?.arrayValue?.compactMap { $0["day"]?.stringValue } == ["2026-11-20", "2026-11-21"])
        let recent = try harness.succeed(tool, ["operation": "training_summary"])  // the last 30 days: not the 2020 step
        #expect(recent["groups"]?.arrayValue?.reduce(0) { $0 + ($1["steps"]?.integerValue ?? 0) } == 4)

        func found(_ text: String, corpus: String? = nil) throws -> [String] {
            var input: JSONObject = ["operation": "search_steps", "text": .string(text)]
            if let corpus { input["corpus_id"] = .string(corpus) }
            return try harness.succeed(tool, input)["steps"]?.arrayValue?.compactMap { $0["query"]?.stringValue } ?? []
        }
        // In the query and both answers ranks above in the gold answer only.
        #expect(try found("shakespeare") == ["Did Shakespeare write Hamlet?", "author of Macbeth"])
        #expect(try found("paris") == ["capital of France"])
        #expect(try found("writes") == ["Did Shakespeare write Hamlet?"])  // stemmed on both engines
        #expect(try found("shakespeare hamlet") == ["Did Shakespeare write Hamlet?"])
        #expect(try found("shakespeare", corpus: "c2") == [])
        let hit = try harness.succeed(tool, ["operation": "search_steps", "text": "paris"])["steps"]?[0]
        #expect(hit?.objectValue.map { Array($0.keys) } == PromptEvolutionSchema.stepColumns + ["score"])  // no search internals
        try refused(harness, ["operation": "search_steps", "text": "  ?! "], "invalid_input")
    }

    @Test(arguments: Engine.allCases)
    func profileSearchFindsPhrasesIgnoringCaseAtAPath(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let careful = try save(harness, "Think CAREFULLY, then answer.", reviewer: "Reject 100% of guesses.")
        _ = try save(harness, "Answer fast.", reviewer: "Reject 100 guesses.")
        func found(_ text: String, path: String? = nil) throws -> [String] {
            var input: JSONObject = ["operation": "search_profiles", "text": .string(text)]
            if let path { input["path"] = .string(path) }
            return try harness.succeed(tool, input)["profiles"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        }
        #expect(try found("carefully") == [careful])
        #expect(try found("think careful") == [careful])
        #expect(try found("careful", path: "reviewer.system_prompt") == [])
        #expect(try found("100%", path: "reviewer.system_prompt") == [careful])  // % is a character, not a wildcard
        #expect(try found("answer", path: "worker.missing") == [])
        try refused(harness, ["operation": "search_profiles", "text": "x", "path": "worker..system_prompt"], "invalid_input")
        try refused(harness, ["operation": "search_profiles", "text": "x", "path": "worker.system_prompt'); DROP TABLE x; --"], "invalid_input")
        try refused(harness, ["operation": "search_profiles", "text": ""], "invalid_input")
    }

    @Test(arguments: Engine.allCases)
    func populationsAreRankedAndAdvanceAGenerationAtATime(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let profiles = try (0..<4).map { try save(harness, "p\($0)") }
        for (profile, fitness) in zip(profiles.prefix(3), [0.2, 0.9, 0.5]) {
            let added = try harness.succeed(tool, ["operation": "add_to_population", "corpus_id": "c1", "task_type": "qa",
                                                   "profile_id": .string(profile), "fitness_score": .double(fitness)])
            #expect(added["generation"] == 0)
        }
        func members(_ extra: JSONObject = [:]) throws -> (generation: JSONValue?, ids: [String]) {
            var input: JSONObject = ["operation": "population", "corpus_id": "c1", "task_type": "qa"]
            for (key, value) in extra { input[key] = value }
            let answer = try harness.succeed(tool, input)
            return (answer["generation"], answer["members"]?.arrayValue?.compactMap { $0["profile_id"]?.stringValue } ?? [])
        }
        #expect(try members(["limit": 2]).ids == [profiles[1], profiles[2]])

        let advanced = try harness.succeed(tool, ["operation": "advance_generation", "corpus_id": "c1", "task_type": "qa", "members": [
            ["profile_id": .string(profiles[3]), "fitness_score": 0.7], ["profile_id": .string(profiles[1]), "fitness_score": 0.95]]])
        #expect(advanced["generation"] == 1 && advanced["previous_generation"] == 0 && advanced["count"] == 2 && advanced["removed"] == 0)
        #expect(try members().generation == 1)
        #expect(try members().ids == [profiles[1], profiles[3]])
        #expect(try members(["generation": 0]).ids == [profiles[1], profiles[2], profiles[0]])

        // A member naming no profile, or an unusable fitness, changes nothing.
        let before = try count(harness, "hegel_profile_populations")
        try refused(harness, ["operation": "advance_generation", "corpus_id": "c1", "task_type": "qa", "members": [
            ["profile_id": .string(profiles[0]), "fitness_score": 0.1], ["profile_id": "00000000-0000-4000-8000-000000000000", "fitness_score": 0.2]]],
                    "not_found")
        try refused(harness, ["operation": "advance_generation", "corpus_id": "c1", "task_type": "qa", "members": [
            ["profile_id": .string(profiles[0]), "fitness_score": "high"]]], "invalid_input")
        try refused(harness, ["operation": "add_to_population", "corpus_id": "c1", "task_type": "qa", "profile_id": .string(profiles[0])], "invalid_input")
        try refused(harness, ["operation": "add_to_population", "corpus_id": "c1", "task_type": "qa", "profile_id": .string(profiles[0]),
                              "fitness_score": 0.5, "generation": .integer(Int64.max)], "invalid_input")
        #expect(try count(harness, "hegel_profile_populations") == before)

        let replaced = try harness.succeed(tool, ["operation": "advance_generation", "corpus_id": "c1", "task_type": "qa", "keep_previous": false,
                                                  "members": [["profile_id": .string(profiles[2]), "fitness_score": 0.6]]])
        #expect(replaced["generation"] == 2 && replaced["removed"] == 5)
        #expect(try count(harness, "hegel_profile_populations") == 1)
    }

    @Test(arguments: Engine.allCases)
    func readsExplainTheirPlansAndTheSchemaHasItsIndexesAndView(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let profile = try save(harness, "v1")
        try harness.succeed(tool, ["operation": "log_training_step", "corpus_id": "c1", "task_type": "qa", "reward": 0.5,
                                   "new_profile_id": .string(profile), "created_at": "2026-11-20T10:00:00Z"])
        let plan = try harness.succeed(tool, ["operation": "latest_profile", "corpus_id": "c1", "task_type": "qa", "explain": true])
        let lines = plan["plan"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(!lines.isEmpty)
        let summaryPlan = try harness.succeed(tool, ["operation": "training_summary", "explain": true])["plan"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if engine == .sqlite {
            #expect(lines.joined().contains("idx_hegel_profiles_latest"), "\(lines)")
            #expect(summaryPlan.joined().contains("COVERING INDEX idx_hegel_steps_time"), "\(summaryPlan)")
        } else {
            // A near-empty table is scanned whatever its indexes; the benchmark shows the plans at size.
            #expect(lines.first?.contains("Limit") == true, "\(lines)")
            let indexes = try harness.sql("SELECT indexname FROM pg_indexes WHERE tablename IN ('hegel_prompt_profiles', 'hegel_training_steps')")
            let names = Set(indexes.compactMap { $0["indexname"]?.stringValue })
            #expect(names.isSuperset(of: ["idx_hegel_profiles_profile", "idx_hegel_profiles_worker_system_prompt", "idx_hegel_profiles_reviewer_system_prompt",
                                          "hegel_training_steps_query_fts", "hegel_training_steps_answers_fts", "idx_hegel_steps_time"]), "\(names)")
        }
        let lineagePlan = try harness.succeed(tool, ["operation": "profile_lineage", "profile_id": .string(profile), "explain": true])
        #expect(lineagePlan["plan"]?.arrayValue?.isEmpty == false && lineagePlan["ancestors"] == nil)
        let daily = try harness.sql("SELECT * FROM hegel_reward_daily")
        #expect(daily.count == 1 && daily.first?["steps"] == 1 && daily.first?["avg_reward"]?.numberValue == 0.5)
        #expect(daily.first?["day"] == "2026-11-20")  // a date on both engines
    }
}
