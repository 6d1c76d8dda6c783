import ToolHostCore
import ToolHostStorage

/// `prompt_evolution_store`: the training layer of a self-improving agent — prompt profiles
/// and their lineage, the training steps that scored them, reward analysis, search over
/// prompts and steps, and ranked populations of candidates. What each operation takes is in
/// `prompt_evolution_store.yaml` (`operations:`).
struct PromptEvolutionStoreHandler: OperationHandler {
    let name = "prompt_evolution_store"

    var operations: [Operation] {
        [
            .write("save_profile") { input, call in try PromptProfiles(call).save(input) },
            .read("latest_profile") { input, call in try PromptProfiles(call).latest(input) },
            .read("profile_history") { input, call in try PromptProfiles(call).history(input) },
            .read("profile_lineage") { input, call in try PromptProfiles(call).lineage(input) },
            .read("search_profiles") { input, call in try PromptProfiles(call).search(input) },
            .write("log_training_step") { input, call in try TrainingStepLog(call).log([.object(input.fields)], field: "") },
            .write("log_training_steps") { input, call in try TrainingStepLog(call).log(try input.array("steps"), field: "steps") },
            .read("training_summary") { input, call in try TrainingStepLog(call).summary(input) },
            // On SQLite the search brings the full-text indexes up to date first (autocommit).
            .read("search_steps") { input, call in try TrainingStepLog(call).search(input) },
            .write("add_to_population") { input, call in try ProfilePopulations(call).add(input) },
            .read("population") { input, call in try ProfilePopulations(call).population(input) },
            .write("advance_generation", nature: .destructive) { input, call in try ProfilePopulations(call).advance(input) },
        ]
    }
}

/// Each part of the store works on the operation's connection (in its transaction for a write).
extension PromptProfiles {
    init(_ call: DatabaseCall) { self.init(connection: call.connection) }
}

extension TrainingStepLog {
    init(_ call: DatabaseCall) { self.init(connection: call.connection, tool: call.toolID) }
}

extension ProfilePopulations {
    init(_ call: DatabaseCall) { self.init(connection: call.connection, tool: call.toolID) }
}
