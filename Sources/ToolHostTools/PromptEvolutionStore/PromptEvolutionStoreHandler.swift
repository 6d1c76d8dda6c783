import ToolHostCore
import ToolHostStorage

/// `prompt_evolution_store`: the training layer of a self-improving agent — prompt profiles
/// and their lineage, the training steps that scored them, reward analysis, search over
/// prompts and steps, and ranked populations of candidates.
struct PromptEvolutionStoreHandler: OperationHandler {
    let name = "prompt_evolution_store"

    var operations: [Operation] {
        [
            Operation("save_profile", summary: "Save a profile version (parent_profile_id links the lineage); answers its id",
                      body: Self.profiles { profiles, input throws(ToolHostError) in try profiles.save(input) }),
            Operation("latest_profile", summary: "The newest profile of a corpus and task",
                      body: Self.profiles { profiles, input throws(ToolHostError) in try profiles.latest(input) }),
            Operation("profile_history", summary: "Profiles of a corpus and task, newest first, paginated",
                      body: Self.profiles { profiles, input throws(ToolHostError) in try profiles.history(input) }),
            Operation("profile_lineage", summary: "The ancestors of a profile, parent first (cycle-safe)",
                      body: Self.profiles { profiles, input throws(ToolHostError) in try profiles.lineage(input) }),
            Operation("search_profiles", summary: "Profiles whose text at a JSON path contains a phrase (case-insensitive)",
                      body: Self.profiles { profiles, input throws(ToolHostError) in try profiles.search(input) }),
            Operation("log_training_step", summary: "Log one training step",
                      body: Self.steps { log, input throws(ToolHostError) in try log.log([.object(input.fields)], field: "") }),
            Operation("log_training_steps", summary: "Log many training steps in one transaction (COPY on PostgreSQL)",
                      body: Self.steps { log, input throws(ToolHostError) in try log.log(try input.array("steps"), field: "steps") }),
            Operation("training_summary", summary: "AVG/MIN/MAX reward and count per corpus and task (optionally per day) since a time",
                      body: Self.steps { log, input throws(ToolHostError) in try log.summary(input) }),
            Operation("search_steps", summary: "Full-text search over queries and answers, best first",
                      body: Self.steps { log, input throws(ToolHostError) in try log.search(input) }),
            Operation("add_to_population", summary: "Add a profile with its fitness to a generation",
                      body: Self.populations { populations, input throws(ToolHostError) in try populations.add(input) }),
            Operation("population", summary: "The fittest profiles of a generation (default: the newest)",
                      body: Self.populations { populations, input throws(ToolHostError) in try populations.population(input) }),
            Operation("advance_generation", summary: "Replace the population by a new ranked set: the next generation, in one transaction",
                      body: Self.populations { populations, input throws(ToolHostError) in try populations.advance(input) }),
        ]
    }

    /// An operation of one of the store's parts (`part` makes it for the call's connection).
    private static func on<Part>(_ part: @escaping @Sendable (any DatabaseConnection, String) -> Part,
                                 _ body: @escaping @Sendable (Part, OperationInput) throws(ToolHostError) -> JSONValue) -> Operation.LegacyBody {
        { input, context throws(ToolHostError) in
            try context.withConnection { (connection) throws(ToolHostError) in try body(part(connection, context.tool.id), input) }
        }
    }

    private static func profiles(_ body: @escaping @Sendable (PromptProfiles, OperationInput) throws(ToolHostError) -> JSONValue) -> Operation.LegacyBody {
        on({ connection, _ in PromptProfiles(connection: connection) }, body)
    }

    private static func steps(_ body: @escaping @Sendable (TrainingStepLog, OperationInput) throws(ToolHostError) -> JSONValue) -> Operation.LegacyBody {
        on(TrainingStepLog.init, body)
    }

    private static func populations(_ body: @escaping @Sendable (ProfilePopulations, OperationInput) throws(ToolHostError) -> JSONValue) -> Operation.LegacyBody {
        on(ProfilePopulations.init, body)
    }
}
