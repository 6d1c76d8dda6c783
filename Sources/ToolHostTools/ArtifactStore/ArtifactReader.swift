import ToolHostCore
import ToolHostMemory
import ToolHostStorage

/// Read-only access to stored artifacts for front ends that are not tool calls (MCP
/// resources): the same database and memory settings `artifact_store` uses, answered as the
/// documents `artifact_store get` shows.
public struct ArtifactReader: Sendable {
    public let config: HostConfig

    public init(config: HostConfig) { self.config = config }

    /// A page of the artifacts valid now (newest first), without their content.
    public func recent(offset: Int, limit: Int) throws(ToolHostError) -> [JSONObject] {
        try withMemory { (memory) throws(ToolHostError) in try memory.recentArtifacts(offset: offset, limit: limit).map(\.document) }
    }

    /// The artifact, where it is stored and what supersedes it, nil when no artifact has this id.
    public func artifact(_ id: String) throws(ToolHostError) -> JSONObject? {
        try withMemory { (memory) throws(ToolHostError) in
            guard let (artifact, locations) = try memory.artifact(id) else { return nil }
            var document = ArtifactStoreHandler.showingSupersession(artifact.document, try memory.supersedingIDs(of: [id])[id])
            document["stored_in"] = .array(locations.map { .string($0) })
            return document
        }
    }

    private func withMemory<T>(_ body: (ArtifactMemory) throws(ToolHostError) -> T) throws(ToolHostError) -> T {
        try Database.shared(for: config.database).withConnection { (connection) throws(ToolHostError) in
            try body(try config.artifactMemory(on: connection))
        }
    }
}
