import ToolHostCore
import ToolHostNetwork

/// Every Swift handler this ToolHost ships, by the name YAML files use in `handler:`, each with
/// the definition of its built-in tool (of the same id). A new built-in tool is one folder
/// beside this file (its handler and its YAML, embedded by Package.swift) plus one line here.
public enum BuiltinHandlers {
    private static let shipped: [(handler: any ToolHandler, yaml: [UInt8])] = [
        (ToolsManagerHandler(), PackageResources.tools_manager_yaml),
        (PostgresClientHandler(), PackageResources.postgres_client_yaml),
        (BulkDataStoreHandler(), PackageResources.bulk_data_store_yaml),
        (TrainingDataStoreHandler(), PackageResources.training_data_store_yaml),
        (ConversationStoreHandler(), PackageResources.conversation_store_yaml),
        (PromptEvolutionStoreHandler(), PackageResources.prompt_evolution_store_yaml),
        (ArtifactStoreHandler(), PackageResources.artifact_store_yaml),
        (AudioFeaturesHandler(), PackageResources.audio_features_yaml),
    ]

    public static var registry: HandlerRegistry {
        var registry = HandlerRegistry(shipped.map(\.handler), builtinTools: tools,
                                       typeHandlers: [(.llm, LLMToolHandler()), (.openapi, OpenAPIToolHandler()), (.mcp, MCPToolHandler())])
        registry.streams = RedisItemStreams()  // stream producers publish, consumers read Redis
        return registry
    }

    /// The definitions compiled into the binary.
    public static let tools = shipped.map { BuiltinTool(id: $0.handler.name, yaml: $0.yaml) }
}
