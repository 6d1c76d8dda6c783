import ToolHostCore

/// Every Swift handler this ToolHost ships, by the name YAML files use in `handler:`, with the
/// definition of each built-in tool. A new built-in tool is one folder beside this file (its
/// handler and its YAML, listed in Package.swift) plus one line in each list here.
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
        ], builtinTools: tools)
    }

    /// The definitions compiled into the binary (`Package.swift` embeds each YAML file).
    public static let tools: [BuiltinTool] = [
        BuiltinTool(id: "tools_manager", yaml: PackageResources.tools_manager_yaml),
        BuiltinTool(id: "postgres_client", yaml: PackageResources.postgres_client_yaml),
        BuiltinTool(id: "bulk_data_store", yaml: PackageResources.bulk_data_store_yaml),
        BuiltinTool(id: "training_data_store", yaml: PackageResources.training_data_store_yaml),
        BuiltinTool(id: "conversation_store", yaml: PackageResources.conversation_store_yaml),
        BuiltinTool(id: "prompt_evolution_store", yaml: PackageResources.prompt_evolution_store_yaml),
        BuiltinTool(id: "artifact_store", yaml: PackageResources.artifact_store_yaml),
    ]
}
