import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// `prompt_evolution_store` through the real binary: answers, exit statuses and stable codes.
@Suite("Prompt evolution through the real binary")
struct PromptEvolutionCommandTests {
    let fixture = CLIFixture()

    private func run(_ input: String, database: TestDatabase) throws -> ToolHostBinary.Result {
        try fixture.run(["run", "prompt_evolution_store", "--tools-dir", ToolHostPaths.shippedTools], input: input,
                        environment: database.environment.merging(["TOOLHOST_RECORD_INVOCATIONS": "false"]) { $1 })
    }

    @Test(arguments: Engine.allCases)
    func profilesStepsAndRefusalsOverStdinAndStdout(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let saved = try run(#"{"operation": "save_profile", "corpus_id": "c", "task_type": "qa", "profile": {"worker": {"system_prompt": "Be exact."}}}"#,
                            database: database)
        #expect(saved.status == 0, "\(saved.stderr)")
        let id = try #require(saved.json["profile_id"]?.stringValue)
        let latest = try run(#"{"operation": "latest_profile", "corpus_id": "c", "task_type": "qa"}"#, database: database)
        #expect(latest.json["profile"]?["id"] == .string(id) && latest.json["profile"]?["version"] == 1)

        let step = try run(#"{"operation": "log_training_step", "corpus_id": "c", "task_type": "qa", "new_profile_id": "\#(id)", "query": "x", "reward": 0.5}"#,
                           database: database)
        #expect(step.status == 0 && step.json["step_id"]?.integerValue != nil)

        // A missing profile and a non-number reward: exit status 1 and 2, stable codes, nothing written.
        let missing = try run(#"{"operation": "log_training_step", "corpus_id": "c", "task_type": "qa", "new_profile_id": "00000000-0000-4000-8000-000000000000", "reward": 1}"#,
                              database: database)
        #expect(missing.status != 0 && missing.json["error_code"] == "not_found")
        let reward = try run(#"{"operation": "log_training_step", "corpus_id": "c", "task_type": "qa", "reward": "high"}"#, database: database)
        #expect(reward.status == 2 && reward.json["error_code"] == "invalid_input")
        let summary = try run(#"{"operation": "training_summary"}"#, database: database)
        #expect(summary.json["groups"]?[0]?["steps"] == 1)

        let plan = try run(#"{"operation": "latest_profile", "corpus_id": "c", "task_type": "qa", "explain": true}"#, database: database)
        #expect(plan.status == 0 && plan.json["plan"]?.arrayValue?.isEmpty == false)
    }
}
