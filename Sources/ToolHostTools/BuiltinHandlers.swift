import ToolHostCore

/// Every Swift handler this ToolHost ships, by the name YAML files use in `handler:`.
/// A new built-in tool is one folder beside this file plus one line here.
public enum BuiltinHandlers {
    public static var registry: HandlerRegistry {
        HandlerRegistry([
            ToolsManagerHandler(),
            PostgresClientHandler(),
            BulkDataStoreHandler(),
            TrainingDataStoreHandler(),
            ConversationStoreHandler(),
            PromptEvolutionStoreHandler(),
            ArtifactStoreHandler(),
        ])
    }
}
